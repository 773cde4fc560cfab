import Foundation
import Testing
@testable import HeraldCore

@Suite("SeatPolicy")
struct SeatPolicyTests {
    let policy = SeatPolicy()

    @Test("a machine can activate while a seat is free")
    func canActivate() {
        // given / when / then
        #expect(policy.canActivate(seats: 5, used: 4))
        #expect(!policy.canActivate(seats: 5, used: 5))
        #expect(!policy.canActivate(seats: 5, used: 7))
        #expect(!policy.canActivate(seats: 0, used: 0))
    }

    @Test("free seats never go negative")
    func freeSeats() {
        // given / when / then
        #expect(policy.freeSeats(seats: 10, used: 3) == 7)
        #expect(policy.freeSeats(seats: 3, used: 10) == 0)
        #expect(policy.shortfall(seats: 10, used: 3, invitations: 12) == 5)
    }

    @Test("overage: floor(seats × (1 + N/100)) may activate, those beyond the seats are excess", arguments: [
        (10, 0, 10), (10, 15, 11), (10, 25, 12), (10, 100, 20), (3, 50, 4), (1, 99, 1), (1, 100, 2), (1_000_000, 100, 2_000_000),
    ])
    func overageAllowance(seats: Int, percent: Int, allowed: Int) {
        // given
        let policy = SeatPolicy(overagePercent: percent)
        // when / then
        #expect(policy.allowance(seats: seats) == allowed)
        #expect(policy.canActivate(seats: seats, used: allowed - 1))
        #expect(!policy.canActivate(seats: seats, used: allowed))
        #expect(!policy.isExcess(seatNumber: seats, seats: seats))
        #expect(policy.isExcess(seatNumber: seats + 1, seats: seats))
    }

    @Test("an overage outside 0-100 is clamped, never negative nor unbounded")
    func overageClamped() {
        #expect(SeatPolicy(overagePercent: -5).allowance(seats: 10) == 10)
        #expect(SeatPolicy(overagePercent: Int.max).allowance(seats: 10) == 20)
    }
}

@Suite("SeatAlert")
struct SeatAlertRuleTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("seat alerts hold at 80 % and 100 % and when invitations outnumber the free seats")
    func seatThresholds() {
        func holding(_ seats: Int, _ used: Int, _ invited: Int = 0) -> Set<SeatAlert> {
            SeatAlert.holding(usage: SeatUsage(seats: seats, used: used, invited: invited), expiresAt: nil, now: now)
        }
        #expect(holding(10, 7) == [])
        #expect(holding(10, 8) == [.seatsNearLimit])
        #expect(holding(10, 10) == [.seatsNearLimit, .seatsFull])
        #expect(holding(10, 11) == [.seatsNearLimit, .seatsFull])
        #expect(holding(10, 5, 5) == [])
        #expect(holding(10, 5, 6) == [.invitationsOverFree])
    }

    @Test("expiry warnings: 30 days, then 7, none once expired")
    func expirySteps() {
        let day = SeatAlert.day
        #expect(SeatAlert.expiryDue(expiresAt: now.addingTimeInterval(31 * day), now: now) == [])
        #expect(SeatAlert.expiryDue(expiresAt: now.addingTimeInterval(30 * day), now: now) == [.expiresIn30Days])
        #expect(SeatAlert.expiryDue(expiresAt: now.addingTimeInterval(7 * day), now: now) == [.expiresIn30Days, .expiresIn7Days])
        #expect(SeatAlert.expiryDue(expiresAt: now, now: now) == [])
        #expect(SeatAlert.expiryDue(expiresAt: nil, now: now) == [])
    }

    @Test("crossing two steps at once sends the more urgent one only")
    func oneEmailForTwoSteps() {
        #expect(SeatAlert.toSend(newlyCrossed: [.seatsNearLimit, .seatsFull]) == [.seatsFull])
        #expect(SeatAlert.toSend(newlyCrossed: [.expiresIn30Days, .expiresIn7Days, .invitationsOverFree]) == [.invitationsOverFree, .expiresIn7Days])
        #expect(SeatAlert.toSend(newlyCrossed: [.seatsNearLimit]) == [.seatsNearLimit])
    }
}
