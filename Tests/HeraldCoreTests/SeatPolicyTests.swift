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

    @Test("warns when invitations outnumber free seats")
    func warning() {
        // given / when / then
        #expect(policy.oversubscriptionWarning(seats: 10, used: 3, invitations: 7) == nil)
        #expect(policy.oversubscriptionWarning(seats: 10, used: 3, invitations: 12)
            == "You are inviting 12 people but only 7 seats are free. Seats go first come, first served: 5 people will not be able to activate until a seat is freed.")
        #expect(policy.oversubscriptionWarning(seats: 1, used: 0, invitations: 2)
            == "You are inviting 2 people but only 1 seat is free. Seats go first come, first served: 1 person will not be able to activate until a seat is freed.")
    }
}
