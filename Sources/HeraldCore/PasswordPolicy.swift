/// The rules for a new password, following NIST SP 800-63B 5.1.1.2 in spirit:
/// a minimum length and a block list matter most; one light composition rule
/// (two character classes) stops "aaaaaaaaaa" and "1234567890".
public struct PasswordPolicy: Sendable {
    public var minimumLength: Int
    public var minimumCharacterClasses: Int

    public init(minimumLength: Int = 10, minimumCharacterClasses: Int = 2) {
        self.minimumLength = minimumLength
        self.minimumCharacterClasses = minimumCharacterClasses
    }

    /// Every rule the password breaks, in the order to show them; empty when it is acceptable. They are values, not
    /// sentences: the page that shows them words each in its reader's language (`password.*` in the catalogs).
    public func problems(password: String, email: String) -> [PasswordProblem] {
        var problems = [PasswordProblem]()
        if password.count < minimumLength {
            problems.append(.tooShort(minimum: minimumLength, length: password.count))
        }
        if Self.exceedsHashLimit(password) {
            problems.append(.tooLong(maximumBytes: Self.maximumBytes, bytes: password.utf8.count))
        }
        if characterClasses(in: password) < minimumCharacterClasses {
            problems.append(.tooFewKinds(minimum: minimumCharacterClasses))
        }
        let lowered = password.lowercased()
        let trimmedEmail = email.trimmingWhitespace().lowercased()
        let localPart = trimmedEmail.split(separator: "@").first.map(String.init) ?? trimmedEmail
        if !trimmedEmail.isEmpty && (lowered == trimmedEmail || lowered == localPart) {
            problems.append(.emailAddress)
        }
        if CommonPasswords.list.contains(lowered) {
            problems.append(.common)
        }
        return problems
    }

    /// bcrypt reads the first 72 bytes of a password and ignores the rest, so a longer password would be matched by
    /// every password that shares those bytes. Herald refuses to set one rather than pre-hashing: pre-hashing would
    /// change every stored hash's meaning, and 72 bytes is over 50 characters of any script a person types.
    public static let maximumBytes = 72

    public static func exceedsHashLimit(_ password: String) -> Bool {
        password.utf8.count > maximumBytes
    }

    public func isAcceptable(password: String, email: String) -> Bool {
        problems(password: password, email: email).isEmpty
    }

    private func characterClasses(in password: String) -> Int {
        var lower = false, upper = false, digit = false, symbol = false
        for character in password {
            if character.isLowercase { lower = true }
            else if character.isUppercase { upper = true }
            else if character.isNumber { digit = true }
            else { symbol = true }
        }
        return [lower, upper, digit, symbol].filter { $0 }.count
    }
}

/// One rule a new password breaks.
public enum PasswordProblem: Sendable, Equatable {
    case tooShort(minimum: Int, length: Int)
    case tooLong(maximumBytes: Int, bytes: Int)
    case tooFewKinds(minimum: Int)
    case emailAddress
    case common
}
