// TEMPORARY: stand-ins until HeraldCore lands; delete this file then.
import Crypto
import Foundation

enum TokenGenerator {
    static func newToken() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
    static func hash(_ token: String) -> String { SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined() }
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool { a == b }
}
struct SecretBox: Sendable {
    init(serverSecret: String, purpose: String) {}
    func seal(_ s: String) throws -> String { s }
    func open(_ s: String) throws -> String { s }
}
struct PasswordPolicy { func problems(password: String, email: String) -> [String] { password.count < 10 ? ["too short"] : [] } }
struct SlidingWindowRateLimiter: Sendable {
    enum Decision { case allowed, limited(retryAfter: TimeInterval) }
    init(limit: Int, window: TimeInterval) {}
    mutating func attempt(key: String, now: Date) -> Decision { .allowed }
}
