import App
import BenchmarkSupport
import Foundation
import Vapor

// Usage: bulk-invite-bench CSV DATA_DIR herald|reference
// Prints one line of key=value figures for Benchmarks/bulk-invite to read.
let arguments = CommandLine.arguments
guard arguments.count == 4, ["herald", "reference"].contains(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: bulk-invite-bench CSV DATA_DIR herald|reference\n".utf8))
    exit(64)
}
bootstrapErrorLogging()
let app = try await Application.make(Environment(name: "production", arguments: ["bench"]))
let configuration = Configuration(
    database: .sqlite(path: arguments[2] + "/herald.sqlite"), dataDirectory: arguments[2],
    publicURL: URL(string: "https://herald.example.com")!, secretKey: String(repeating: "b", count: 40), runDeliveryWorker: false
)
try await configure(app, configuration: configuration)
let result = try await BulkInviteBenchmark.run(app: app, csvPath: arguments[1], reference: arguments[3] == "reference")
try await app.asyncShutdown()
print(String(format: "rows=%d seconds=%.3f rate=%.0f", result.rows, result.seconds, Double(result.rows) / result.seconds))
