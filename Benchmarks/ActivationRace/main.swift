import App
import BenchmarkSupport
import Foundation
import Vapor

// Usage: activation-race-bench sqlite DATA_DIR PORT SEATS ATTEMPTS
//        activation-race-bench postgres POSTGRES_URL PORT SEATS ATTEMPTS   (a fresh schema, dropped afterwards)
// Prints one line of key=value figures for Benchmarks/activation-race to read.
let arguments = CommandLine.arguments
guard arguments.count == 6, let port = Int(arguments[3]), let seats = Int(arguments[4]), let attempts = Int(arguments[5]) else {
    FileHandle.standardError.write(Data("usage: activation-race-bench sqlite|postgres DATA_DIR|URL PORT SEATS ATTEMPTS\n".utf8))
    exit(64)
}
bootstrapErrorLogging()
let app = try await Application.make(Environment(name: "production", arguments: ["bench"]))
let data = FileManager.default.temporaryDirectory.appendingPathComponent("herald-race-\(UUID().uuidString)").path
var configuration = Configuration(
    database: arguments[1] == "postgres" ? .postgres(url: arguments[2]) : .sqlite(path: arguments[2] + "/herald.sqlite"),
    dataDirectory: arguments[1] == "postgres" ? data : arguments[2],
    publicURL: URL(string: "http://127.0.0.1:\(port)")!, secretKey: String(repeating: "b", count: 40), runDeliveryWorker: false
)
let schema = "race_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
if arguments[1] == "postgres" { configuration.postgresSchema = schema }
try await configure(app, configuration: configuration)
if arguments[1] == "postgres" { try await ActivationRaceBenchmark.createSchema(schema, app: app) }
let result: ActivationRaceBenchmark.Result
do {
    result = try await ActivationRaceBenchmark.run(app: app, port: port, seats: seats, attempts: attempts)
} catch {
    if arguments[1] == "postgres" { try? await ActivationRaceBenchmark.dropSchema(schema, app: app) }
    try await app.asyncShutdown()
    throw error
}
if arguments[1] == "postgres" { try await ActivationRaceBenchmark.dropSchema(schema, app: app) }
try await app.asyncShutdown()
let fiveHundreds = result.statuses.filter { $0.key >= 500 }.values.reduce(0, +)
let statuses = result.statuses.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
print(String(format: "attempts=%d succeeded=%d server_errors=%d seconds=%.3f rate=%.0f statuses=%@",
             attempts, result.statuses[201] ?? 0, fiveHundreds, result.seconds, Double(attempts) / result.seconds, statuses))
