import Foundation
import Testing
@testable import HeraldCore

@Suite("InvitationLifecycle")
struct InvitationLifecycleTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    var tomorrow: Date { now.addingTimeInterval(86_400) }
    var yesterday: Date { now.addingTimeInterval(-86_400) }

    @Test("a pending invitation past its expiry is expired; others keep their status")
    func effectiveStatus() {
        // given / when / then
        #expect(InvitationLifecycle.effectiveStatus(stored: .pending, expiresAt: tomorrow, now: now) == .pending)
        #expect(InvitationLifecycle.effectiveStatus(stored: .pending, expiresAt: now, now: now) == .expired)
        #expect(InvitationLifecycle.effectiveStatus(stored: .pending, expiresAt: yesterday, now: now) == .expired)
        #expect(InvitationLifecycle.effectiveStatus(stored: .accepted, expiresAt: yesterday, now: now) == .accepted)
        #expect(InvitationLifecycle.effectiveStatus(stored: .revoked, expiresAt: yesterday, now: now) == .revoked)
    }

    @Test("only a pending, unexpired invitation can be redeemed")
    func redeem() throws {
        // given / when / then
        #expect(try InvitationLifecycle.redeem(stored: .pending, expiresAt: tomorrow, now: now) == .accepted)
        #expect(throws: InvitationLifecycleError(action: .redeem, status: .expired, expiresAt: yesterday)) {
            try InvitationLifecycle.redeem(stored: .pending, expiresAt: yesterday, now: now)
        }
        #expect(throws: InvitationLifecycleError(action: .redeem, status: .accepted, expiresAt: tomorrow)) {
            try InvitationLifecycle.redeem(stored: .accepted, expiresAt: tomorrow, now: now)
        }
        #expect(!InvitationLifecycle.canRedeem(stored: .revoked, expiresAt: tomorrow, now: now))
    }

    @Test("resend works for pending and expired invitations and restarts the expiry")
    func resend() throws {
        // given / when
        let renewed = try InvitationLifecycle.resend(stored: .pending, expiresAt: yesterday, now: now, validFor: 7 * 86_400)
        // then
        #expect(renewed == now.addingTimeInterval(7 * 86_400))
        #expect(InvitationLifecycle.canResend(stored: .pending, expiresAt: tomorrow, now: now))
        #expect(!InvitationLifecycle.canResend(stored: .accepted, expiresAt: tomorrow, now: now))
        #expect(!InvitationLifecycle.canResend(stored: .revoked, expiresAt: tomorrow, now: now))
    }

    @Test("revoke works for pending and expired invitations only")
    func revoke() throws {
        // given / when / then
        #expect(try InvitationLifecycle.revoke(stored: .pending, expiresAt: yesterday, now: now) == .revoked)
        #expect(InvitationLifecycle.canRevoke(stored: .pending, expiresAt: tomorrow, now: now))
        #expect(throws: InvitationLifecycleError(action: .revoke, status: .revoked, expiresAt: tomorrow)) {
            try InvitationLifecycle.revoke(stored: .revoked, expiresAt: tomorrow, now: now)
        }
        #expect(!InvitationLifecycle.canRevoke(stored: .accepted, expiresAt: tomorrow, now: now))
    }

    @Test("errors explain the refusal with the expiry date")
    func errorText() {
        // given
        let error = InvitationLifecycleError(action: .redeem, status: .expired, expiresAt: now)
        // when / then
        #expect(error.description == "this invitation expired on 2027-01-15 08:00:00 UTC and cannot be accepted")
        #expect(InvitationLifecycleError(action: .resend, status: .accepted, expiresAt: now).description
            == "this invitation has already been accepted and cannot be resent")
    }

    @Test("statuses and kinds have stable raw values for the database")
    func rawValues() {
        // given / when / then
        #expect(InvitationStatus.allCases.map(\.rawValue) == ["pending", "accepted", "expired", "revoked", "bounced"])
        #expect(InvitationKind.allCases.map(\.rawValue) == ["join", "install", "client"])
        #expect(InvitationStatus(rawValue: "accepted") == .accepted)
    }

    @Test("a bounced invitation cannot be accepted, and can be resent (making it pending) or revoked")
    func bounced() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let expiry = now.addingTimeInterval(86_400)
        #expect(InvitationLifecycle.effectiveStatus(stored: .bounced, expiresAt: expiry, now: now) == .bounced)
        #expect(!InvitationLifecycle.canRedeem(stored: .bounced, expiresAt: expiry, now: now))
        #expect(InvitationLifecycle.canResend(stored: .bounced, expiresAt: expiry, now: now))
        #expect(try InvitationLifecycle.revoke(stored: .bounced, expiresAt: expiry, now: now) == .revoked)
        #expect(InvitationLifecycleError(action: .redeem, status: .bounced, expiresAt: expiry).description
            == "this invitation's email bounced and it cannot be accepted")
    }
}
