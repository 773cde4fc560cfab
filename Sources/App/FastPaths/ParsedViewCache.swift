import Leaf
import LeafKit
import NIOCore

/// Leaf's parsed-template cache, kept on whatever environment `herald serve` runs in.
///
/// Leaf's `Application.leaf.renderer` switches the shared cache off in the `development` environment, which is
/// Vapor's default and what `herald serve` runs in unless told `--env production`. Every page view then re-read
/// and re-lexed its templates from disk: most of an invitee page's cost (Benchmarks/http-load). This cache ignores
/// that switch; `HERALD_RELOAD_VIEWS=true` is the explicit way to see template edits without a restart.
final class ParsedViewCache: LeafCache, @unchecked Sendable {
    private let enabled: Bool
    /// Does the caching; only this wrapper holds it, so nothing else can switch it off.
    private let documents = DefaultLeafCache()

    init(enabled: Bool) {
        self.enabled = enabled
    }

    var isEnabled: Bool {
        get { enabled }
        set {} // Leaf sets it on every render in development; the configuration decides instead.
    }

    var count: Int { documents.count }

    func insert(_ document: LeafAST, on loop: any EventLoop, replace: Bool) -> EventLoopFuture<LeafAST> {
        enabled ? documents.insert(document, on: loop, replace: replace) : loop.makeSucceededFuture(document)
    }

    func retrieve(documentName: String, on loop: any EventLoop) -> EventLoopFuture<LeafAST?> {
        enabled ? documents.retrieve(documentName: documentName, on: loop) : loop.makeSucceededFuture(nil)
    }

    func remove(_ documentName: String, on loop: any EventLoop) -> EventLoopFuture<Bool?> {
        documents.remove(documentName, on: loop)
    }
}
