import Foundation
import TestProcesses

/// Runs a short Python script given on the command line and returns its standard output: how the tests ask the
/// PyPI referees (pyotp for TOTP codes, zxing-cpp for QR codes) instead of trusting Herald's own arithmetic.
enum PythonReferee {
    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    static func run(_ script: String, arguments: [String], stdin: Data? = nil) throws -> String {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let output = Pipe()
        let errors = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failed(description: "python3 exited with \(process.terminationStatus) (scripts/install-test-deps installs pyotp and zxing-cpp): \(errorText.suffix(2000))")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// TOTP codes as pyotp (PyPI) computes them for a base32 secret at a moment.
enum PyOTP {
    static func code(secret: String, at date: Date) throws -> String {
        try PythonReferee.run("import sys, pyotp; print(pyotp.TOTP(sys.argv[1]).at(int(sys.argv[2])))",
                              arguments: [secret.replacingOccurrences(of: " ", with: ""), String(Int(date.timeIntervalSince1970))])
    }
}

/// The text of the QR code in an SVG, as zxing-cpp reads it after cairosvg has drawn the SVG as a PNG.
enum QRReferee {
    static func decode(svg: String) throws -> String {
        try PythonReferee.run("""
            import sys, io, cairosvg, zxingcpp
            from PIL import Image
            png = cairosvg.svg2png(bytestring=sys.stdin.buffer.read())
            codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert('L'), formats=zxingcpp.BarcodeFormat.QRCode)
            sys.stdout.write('\\n'.join(c.text for c in codes))
            """, arguments: [], stdin: Data(svg.utf8))
    }
}
