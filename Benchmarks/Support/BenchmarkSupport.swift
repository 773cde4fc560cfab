import App
import Foundation
import Vapor

/// Errors only, on stderr: a driver prints one line of figures on stdout for its script to read.
package func bootstrapErrorLogging() {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = .error
        return handler
    }
}

/// A new organization with one license key of `seats` seats, made as the console makes them.
package func organizationWithKey(_ app: Application, seats: Int) async throws -> (organizationID: UUID, key: LicenseKey) {
    let organization = Organization(name: "Benchmark")
    try await organization.create(on: app.db)
    let organizationID = try organization.requireID()
    let input = try LicenseKeyInput(name: "Bench key", product: "Bench Pro", seats: seats).validate().get()
    let key = try await LicenseKeyStore.create(input, organizationID: organizationID, actor: .system, secretBox: app.herald.secretBox, on: app.db)
    return (organizationID, key)
}

/// A benchmark's own check failed: its figures would mean nothing.
package struct BenchmarkFailure: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
