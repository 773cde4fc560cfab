import Foundation

/// A live server the tests need is missing or unusable: the test fails (never skips) and says how to start it.
public struct LiveServerSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One variable of the environment file `scripts/test-servers` writes (./scripts/test sources it).
func environmentValue(_ name: String) throws -> String {
    guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
        throw LiveServerSetupError("\(name) is not set: run the tests through ./scripts/test (e.g. ./scripts/test --filter SMTPTests), which starts the test servers")
    }
    return value
}

func environmentPort(_ name: String) throws -> Int {
    guard let port = Int(try environmentValue(name)) else { throw LiveServerSetupError("\(name) is not a port number") }
    return port
}

func environmentInteger(_ name: String) throws -> Int {
    guard let number = Int(try environmentValue(name)) else { throw LiveServerSetupError("\(name) is not a number") }
    return number
}
