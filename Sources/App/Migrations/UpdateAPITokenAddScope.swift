import Fluent
import SQLKit

/// What an API token may do (#19): `standard` or `administration`. Tokens made before scopes existed could do
/// everything, and integrations rely on that, so they keep `administration`; new tokens are `standard` unless their
/// creator chooses otherwise.
struct UpdateAPITokenAddScope: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(APIToken.schema)
            .field("scope", .string, .required, .sql(.default(APITokenScope.administration.rawValue))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(APIToken.schema).deleteField("scope").update()
    }
}
