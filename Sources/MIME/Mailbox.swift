/// An address with an optional human name, as in `From: "Herald Admin" <admin@example.com>`
/// (RFC 5322 3.4 `name-addr`). The renderer quotes or RFC 2047-encodes the name.
public struct Mailbox: Sendable, Hashable {
    public var address: EmailAddress
    public var displayName: String?

    public init(address: EmailAddress, displayName: String? = nil) {
        self.address = address
        self.displayName = displayName
    }

    /// Validates `address` on the way: `try Mailbox("bob@example.com", displayName: "Bob")`.
    public init(_ address: String, displayName: String? = nil) throws(AddressError) {
        self.init(address: try EmailAddress(address), displayName: displayName)
    }
}
