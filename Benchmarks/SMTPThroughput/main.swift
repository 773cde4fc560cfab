import App
import BenchmarkSupport
import Foundation
import Vapor

// Usage: smtp-throughput-bench HOST PORT COUNT DATA_DIR
// Prints one line of key=value figures for Benchmarks/smtp-throughput to read.
let arguments = CommandLine.arguments
guard arguments.count == 5, let port = Int(arguments[2]), let count = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: smtp-throughput-bench HOST PORT COUNT DATA_DIR\n".utf8))
    exit(64)
}
var environment = Environment(name: "production", arguments: ["bench"])
bootstrapErrorLogging()
let app = try await Application.make(environment)
var configuration = Configuration(
    database: .sqlite(path: arguments[4] + "/herald.sqlite"), dataDirectory: arguments[4],
    publicURL: URL(string: "https://herald.example.com")!, secretKey: String(repeating: "b", count: 40), runDeliveryWorker: false
)
// smtp-sink listens on a port of the benchmark's choosing.
configuration.smtpServers = .anyServer
configuration.delivery.concurrency = Int(ProcessInfo.processInfo.environment["HERALD_DELIVERY_CONCURRENCY"] ?? "") ?? 8
try await configure(app, configuration: configuration)
// HERALD_BENCH_DKIM=rsa-sha256 or ed25519-sha256: every message is DKIM-signed when queued.
let dkim = ProcessInfo.processInfo.environment["HERALD_BENCH_DKIM"].flatMap { $0.isEmpty ? nil : $0 }
// HERALD_BENCH_INVITATIONS=1: every message belongs to a join invitation (history and sent_at written too).
let invitations = ProcessInfo.processInfo.environment["HERALD_BENCH_INVITATIONS"] == "1"
let result = try await DeliveryBenchmark.run(app: app, smtpHost: arguments[1], smtpPort: port, count: count, dkim: dkim, invitations: invitations)
try await app.asyncShutdown()
print(String(format: "enqueue_seconds=%.3f deliver_seconds=%.3f sent=%d not_sent=%d rate=%.0f",
             result.enqueueSeconds, result.deliverSeconds, result.sent, result.notSent, Double(result.sent) / result.deliverSeconds))
