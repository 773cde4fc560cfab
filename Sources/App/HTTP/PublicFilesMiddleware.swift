import NIOConcurrencyHelpers
import Vapor

/// Serves `Public/` (stylesheets, scripts, images) through Vapor's `FileMiddleware`, but only for a path that can
/// name a file there; any other path goes on to the routes, which answer 404.
///
/// `FileMiddleware` hands the percent-decoded path to the file system as it is. The C calls below it end a path at
/// NUL, so `/css/herald.css%00.txt` served the stylesheet under a name of the client's choosing; a path longer than
/// the system allows made the lookup fail with an error naming the absolute `Public/` folder, a 500; so did a path
/// through a file (`/css/herald.css/x`, "not a directory"). A lookup that fails is "no such file" here.
struct PublicFilesMiddleware: AsyncMiddleware {
    /// Far longer than any file Herald ships, far shorter than PATH_MAX (4096) once the folder is prefixed.
    static let longestPath = 1024
    /// NAME_MAX: the longest file name Linux and macOS allow.
    static let longestName = 255

    private let files: FileMiddleware

    init(publicDirectory: String) {
        files = FileMiddleware(publicDirectory: publicDirectory)
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard Self.canNameAFile(request.url.path) else { return try await next.respond(to: request) }
        let routes = PassedOn(next)
        do {
            return try await files.respond(to: request, chainingTo: routes)
        } catch where !routes.reached.withLockedValue({ $0 }) {
            return try await next.respond(to: request)
        }
    }

    /// Tells an error of the file lookup from one of the routes behind it, which must travel on unchanged.
    private final class PassedOn: AsyncResponder {
        let next: any AsyncResponder
        let reached = NIOLockedValueBox(false)

        init(_ next: any AsyncResponder) { self.next = next }

        func respond(to request: Request) async throws -> Response {
            reached.withLockedValue { $0 = true }
            return try await next.respond(to: request)
        }
    }

    /// Short enough, valid percent-encoding, no control characters (NUL among them), no `..` and no over-long name.
    static func canNameAFile(_ encodedPath: String) -> Bool {
        guard encodedPath.utf8.count <= longestPath, let path = encodedPath.removingPercentEncoding else { return false }
        guard path.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else { return false }
        return path.split(separator: "/").allSatisfy { $0 != ".." && $0.utf8.count <= longestName }
    }
}
