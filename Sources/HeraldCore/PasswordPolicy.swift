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

    /// Every rule the password breaks, as sentences to show next to the field;
    /// empty when it is acceptable.
    public func problems(password: String, email: String) -> [String] {
        var problems = [String]()
        if password.count < minimumLength {
            problems.append("Use at least \(minimumLength) characters (this one has \(password.count)).")
        }
        if Self.exceedsHashLimit(password) {
            problems.append("Use at most \(Self.maximumBytes) bytes (this one has \(password.utf8.count)); accented letters and symbols count as two to four.")
        }
        if characterClasses(in: password) < minimumCharacterClasses {
            problems.append("Mix at least two kinds of characters: lowercase, uppercase, digits or symbols.")
        }
        let lowered = password.lowercased()
        let trimmedEmail = email.trimmingWhitespace().lowercased()
        let localPart = trimmedEmail.split(separator: "@").first.map(String.init) ?? trimmedEmail
        if !trimmedEmail.isEmpty && (lowered == trimmedEmail || lowered == localPart) {
            problems.append("Do not use your email address as your password.")
        }
        if CommonPasswords.list.contains(lowered) {
            problems.append("This password is one of the most common ones; choose another.")
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
