import Vapor

extension Request {
    /// The client's IP address, as rate limits count it.
    ///
    /// Vapor's `peerAddress` believes the first `X-Forwarded-For` entry, which any client can write: sending a new
    /// value with every request would escape every per-client limit. Herald believes the header only when the
    /// operator says a proxy sits in front (`HERALD_TRUST_PROXY=true`), and then only its last entry, the one that
    /// proxy appended; everything before it is what the client claimed.
    var clientAddress: String {
        if herald.configuration.trustProxy,
           let last = headers[.xForwardedFor].joined(separator: ",").split(separator: ",").last?.trimmingCharacters(in: .whitespaces),
           !last.isEmpty {
            return last
        }
        return remoteAddress?.ipAddress ?? "unknown"
    }
}
