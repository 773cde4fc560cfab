import Vapor

extension Request {
    /// The same page without suspending, when its shape's skeleton is cached; nil otherwise (use `renderInviteePage`).
    func inviteePageFromSkeleton<Content: Encodable>(
        _ template: String, language: Language, titleKey: String, keys: [String], arguments: [String: String] = [:],
        _ content: Content, status: HTTPStatus = .ok
    ) throws -> Response? {
        let page = inviteePage(language: language, titleKey: titleKey, keys: keys, arguments: arguments, content)
        return try herald.pageSkeletons.cached(template, page, allocator: byteBufferAllocator).map { inviteeResponse($0, status: status) }
    }
}
