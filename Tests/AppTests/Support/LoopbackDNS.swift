import Foundation
import TestProcesses
#if canImport(Glibc)
import Glibc
#endif

/// A name server on a loopback UDP port that answers TXT queries from a fixed table (NXDOMAIN for other names), so
/// the DKIM record check goes through the real resolver library and a real DNS exchange without touching the
/// machine's DNS. Runs as a small Python process; `stop()` ends it.
final class LoopbackDNS: @unchecked Sendable {
    let port: Int
    private let process: ChildProcess

    /// `records`: TXT strings by name; a record longer than 255 bytes is sent as several character-strings, the way
    /// an RSA key is published.
    init(records: [String: String]) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-dns-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let table = directory.appendingPathComponent("records.json")
        try JSONSerialization.data(withJSONObject: records).write(to: table)
        let script = directory.appendingPathComponent("dns.py")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, table.path]
        let output = Pipe()
        process.standardOutput = output
        // Not the test runner's stderr: a child still holding it keeps `swift test` waiting for its end.
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data([10]) { line.append(byte) }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            process.terminate()
            throw TestSetupError("the loopback DNS server did not start")
        }
        self.port = port
    }

    /// SIGKILL, and no wait: the server has nothing to finish.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
    }

    static let script = #"""
    import json, socket, struct, sys
    records = {k.lower().rstrip('.'): v for k, v in json.load(open(sys.argv[1])).items()}
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.1', 0))
    print(s.getsockname()[1], flush=True)
    while True:
        data, peer = s.recvfrom(4096)
        ident, flags = struct.unpack('!HH', data[:4])
        i, labels = 12, []
        while data[i]:
            labels.append(data[i + 1:i + 1 + data[i]].decode('ascii', 'replace'))
            i += data[i] + 1
        question = data[12:i + 5]
        name = '.'.join(labels).lower()
        qtype = struct.unpack('!H', data[i + 1:i + 3])[0]
        value = records.get(name)
        rcode = 0 if value is not None else 3
        answers = b''
        count = 0
        if value is not None and qtype == 16:
            raw = value.encode()
            rdata = b''.join(bytes([len(raw[j:j + 255])]) + raw[j:j + 255] for j in range(0, len(raw), 255))
            answers = b'\xc0\x0c' + struct.pack('!HHIH', 16, 1, 60, len(rdata)) + rdata
            count = 1
        header = struct.pack('!HHHHHH', ident, 0x8180 | (flags & 0x0100) | rcode, 1, count, 0, 0)
        s.sendto(header + question + answers, peer)
    """#
}
