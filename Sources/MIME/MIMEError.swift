/// Why a message could not be rendered. Each case names the header at fault so
/// the caller can tell an administrator which field to fix.
public enum MIMEError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A CR, LF or NUL in a header value would end the header early and let the
    /// rest be read as new headers (e.g. a `Bcc:` smuggled in through a subject).
    case headerInjection(field: String)
    /// RFC 5322 2.2: a field name is printable ASCII without `:`.
    case invalidHeaderName(String)
    /// Headers the renderer writes itself; a second copy would make the message ambiguous.
    case reservedHeader(String)
    case noRecipients

    public var description: String {
        switch self {
        case .headerInjection(let field):
            return "the \(field) header contains a line break or NUL character"
        case .invalidHeaderName(let name):
            return "'\(AddressError.visible(name))' is not a valid header name"
        case .reservedHeader(let name):
            return "the \(name) header is set by Herald and cannot be added again"
        case .noRecipients:
            return "the message has no recipients"
        }
    }
}
