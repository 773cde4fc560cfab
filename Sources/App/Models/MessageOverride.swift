import Fluent
import Foundation

/// An organization's own wording for one catalog entry in one language (the console's template editor).
final class MessageOverride: Model, @unchecked Sendable {
    static let schema = "message_overrides"

    @ID(key: .id) var id: UUID?

    @Parent(key: "organization_id") var organization: Organization

    @Field(key: "language") var language: String
    @Field(key: "key") var key: String
    @Field(key: "value") var value: String

    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}
