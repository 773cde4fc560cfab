/// Why a sealed secret could not be opened.
public enum SecretBoxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not `v1:` followed by base64 of at least nonce + tag.
    case malformed
    /// A version prefix this build does not know (written by a newer Herald?).
    case unsupportedVersion(String)
    /// AES-GCM authentication failed: the ciphertext was changed, or it was sealed
    /// under another server secret or purpose.
    case tampered
    case sealingFailed

    public var description: String {
        switch self {
        case .malformed: return "the sealed value is not in the v1:<base64> form"
        case .unsupportedVersion(let version): return "the sealed value has unknown version '\(version)'"
        case .tampered: return "the sealed value was altered or sealed with another secret key"
        case .sealingFailed: return "the value could not be encrypted"
        }
    }
}
