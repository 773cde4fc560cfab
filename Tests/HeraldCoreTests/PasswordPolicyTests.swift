import Testing
@testable import HeraldCore

@Suite("PasswordPolicy")
struct PasswordPolicyTests {
    let policy = PasswordPolicy()

    @Test("accepts long passwords with two kinds of characters", arguments: [
        "correct horse battery", "Tr0ub4dor&3x", "mañana-2026-rain", "パスワード12345",
    ])
    func accepts(_ password: String) {
        // given / when / then
        #expect(policy.problems(password: password, email: "bob@example.com").isEmpty)
    }

    @Test("explains every rule a password breaks")
    func explains() {
        // given / when
        let problems = policy.problems(password: "aaaa", email: "bob@example.com")
        // then
        #expect(problems == [.tooShort(minimum: 10, length: 4), .tooFewKinds(minimum: 2)])
    }

    @Test("refuses one-class passwords even when long", arguments: ["abcdefghijkl", "12345678901234", "ABCDEFGHIJKL"])
    func oneClass(_ password: String) {
        // given / when / then
        #expect(policy.problems(password: password, email: "x@example.com").contains(.tooFewKinds(minimum: 2)))
    }

    @Test("refuses the email address or its local part")
    func email() {
        // given / when
        let whole = policy.problems(password: "Bob.Smith@Example.com", email: "bob.smith@example.com")
        let local = policy.problems(password: "bob.smith2026x", email: "bob.smith2026x@example.com")
        // then
        #expect(whole == [.emailAddress])
        #expect(local == [.emailAddress])
    }

    @Test("refuses the most common passwords, whatever the case", arguments: ["Password123", "QWERTYUIOP1", "1q2w3e4r5t"])
    func common(_ password: String) {
        // given / when / then
        #expect(policy.problems(password: password, email: "x@example.com").contains(.common))
    }
}
