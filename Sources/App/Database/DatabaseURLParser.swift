import Foundation

/// Turns `DATABASE_URL` into a `Configuration.Database`, explaining what is wrong instead of guessing.
enum DatabaseURLParser {
    static func parse(_ raw: String) -> Result<Configuration.Database, DatabaseURLError> {
        if raw.hasPrefix("sqlite://") {
            // sqlite:///abs/path (three slashes: empty host) or sqlite://relative/path
            let path = String(raw.dropFirst("sqlite://".count))
            guard !path.isEmpty, path != "/" else { return .failure(.init("sqlite URL has no file path")) }
            guard !path.hasSuffix("/") else { return .failure(.init("'\(path)' is a folder, not a file")) }
            return .success(.sqlite(path: path))
        }
        if raw.hasPrefix("postgres://") || raw.hasPrefix("postgresql://") {
            guard let components = URLComponents(string: raw) else {
                return .failure(.init("'\(redacted(raw))' is not a valid URL"))
            }
            guard let host = components.host, !host.isEmpty else {
                return .failure(.init("postgres URL has no host"))
            }
            if let port = components.port, !(1...65535).contains(port) {
                return .failure(.init("port \(port) is out of range"))
            }
            guard components.user?.isEmpty == false else {
                return .failure(.init("postgres URL has no user name"))
            }
            let database = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            guard !database.isEmpty else { return .failure(.init("postgres URL names no database")) }
            return .success(.postgres(url: raw))
        }
        return .failure(.init("'\(redacted(raw))' must start with sqlite:// or postgres://"))
    }

    /// Never echo a password from the environment into logs or error messages.
    static func redacted(_ raw: String) -> String {
        guard var components = URLComponents(string: raw), components.password != nil else { return raw }
        components.password = "***"
        return components.string ?? "(unparseable URL)"
    }
}

struct DatabaseURLError: Error, CustomStringConvertible, Equatable {
    let description: String
    init(_ description: String) { self.description = description }
}
