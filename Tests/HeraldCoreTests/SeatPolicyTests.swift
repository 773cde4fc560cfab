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
}
