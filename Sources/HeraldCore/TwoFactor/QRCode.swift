// Hand-written because no QR code package is available to Herald (only the packages already resolved in
// Package.swift may be used, and none of them draws QR codes), and the enrolment page must not send the TOTP secret
// to an outside QR service. It covers what an otpauth:// URI needs and nothing more: byte mode, error correction
// level M, versions 1–10 (up to 213 bytes), all eight masks with the standard's penalty rules (ISO/IEC 18004:2015).
// Tests decode its SVG with zxing-cpp, an independent reader.

/// A QR code symbol: a square of dark and light modules.
public struct QRCode: Sendable {
    public let version: Int
    public let size: Int
    /// `modules[y][x]`, true for dark.
    public let modules: [[Bool]]

    public enum EncodingError: Error, Equatable {
        /// More bytes than version 10 at level M holds.
        case tooLong(bytes: Int, maximum: Int)
    }

    /// Error correction level M per version 1...10: (total codewords, EC codewords per block, blocks).
    static let blockLayout: [(total: Int, ecPerBlock: Int, blocks: Int)] = [
        (26, 10, 1), (44, 16, 1), (70, 26, 1), (100, 18, 2), (134, 24, 2),
        (172, 16, 4), (196, 18, 4), (242, 22, 4), (292, 22, 5), (346, 26, 5),
    ]
    static let alignmentPositions: [[Int]] = [
        [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50],
    ]

    static func dataCodewords(version: Int) -> Int {
        let layout = blockLayout[version - 1]
        return layout.total - layout.ecPerBlock * layout.blocks
    }

    static func countBits(version: Int) -> Int { version < 10 ? 8 : 16 }

    public static var maximumBytes: Int { (dataCodewords(version: 10) * 8 - 4 - countBits(version: 10)) / 8 }

    /// Encodes `text`'s UTF-8 in the smallest version that holds it, with the mask of least penalty.
    public init(text: String) throws(EncodingError) {
        let bytes = Array(text.utf8)
        guard let version = (1...10).first(where: { 4 + Self.countBits(version: $0) + 8 * bytes.count <= Self.dataCodewords(version: $0) * 8 }) else {
            throw .tooLong(bytes: bytes.count, maximum: Self.maximumBytes)
        }
        var grid = QRGrid(version: version)
        grid.drawFunctionPatterns(alignment: Self.alignmentPositions[version - 1])
        grid.drawCodewords(Self.interleavedCodewords(Self.dataCodewords(bytes, version: version), version: version))
        var best: (penalty: Int, grid: QRGrid)?
        for mask in 0..<8 {
            var candidate = grid
            candidate.applyMask(mask)
            candidate.drawFormatBits(mask: mask)
            let penalty = candidate.penalty()
            if best == nil || penalty < best!.penalty { best = (penalty, candidate) }
        }
        self.version = version
        self.size = grid.size
        self.modules = best!.grid.modules
    }

    /// Mode indicator, length, the bytes, terminator and padding, as codewords.
    static func dataCodewords(_ bytes: [UInt8], version: Int) -> [UInt8] {
        var bits = BitBuffer()
        bits.append(0b0100, count: 4)
        bits.append(bytes.count, count: countBits(version: version))
        for byte in bytes { bits.append(Int(byte), count: 8) }
        let capacity = dataCodewords(version: version) * 8
        bits.append(0, count: min(4, capacity - bits.count))
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var codewords = bits.bytes()
        var pad: UInt8 = 0xEC
        while codewords.count < capacity / 8 {
            codewords.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return codewords
    }

    /// Splits the data into blocks (the shorter ones first), appends each block's Reed-Solomon codewords and
    /// interleaves them column by column as the standard orders them.
    static func interleavedCodewords(_ data: [UInt8], version: Int) -> [UInt8] {
        let layout = blockLayout[version - 1]
        let shortBlocks = layout.blocks - layout.total % layout.blocks
        let shortLength = layout.total / layout.blocks - layout.ecPerBlock
        let divisor = ReedSolomon.divisor(degree: layout.ecPerBlock)
        var dataBlocks: [[UInt8]] = []
        var ecBlocks: [[UInt8]] = []
        var start = 0
        for index in 0..<layout.blocks {
            let length = shortLength + (index < shortBlocks ? 0 : 1)
            let block = Array(data[start..<start + length])
            start += length
            dataBlocks.append(block)
            ecBlocks.append(ReedSolomon.remainder(block, divisor: divisor))
        }
        var result: [UInt8] = []
        for column in 0...shortLength {
            for block in dataBlocks where column < block.count { result.append(block[column]) }
        }
        for column in 0..<layout.ecPerBlock {
            for block in ecBlocks { result.append(block[column]) }
        }
        return result
    }

    /// The symbol as SVG: one path of dark squares on a white square with the four-module quiet zone readers need.
    /// Black on white whatever the page's theme: scanners expect dark modules on a light ground.
    public func svg(moduleSize: Int = 4, title: String) -> String {
        let quiet = 4
        let side = size + 2 * quiet
        var path = ""
        for y in 0..<size {
            for x in 0..<size where modules[y][x] { path += "M\(x + quiet) \(y + quiet)h1v1h-1z" }
        }
        let escapedTitle = title.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"\(side * moduleSize)\" height=\"\(side * moduleSize)\" "
            + "viewBox=\"0 0 \(side) \(side)\" shape-rendering=\"crispEdges\"><title>\(escapedTitle)</title>"
            + "<rect width=\"\(side)\" height=\"\(side)\" fill=\"#ffffff\"/><path fill=\"#000000\" d=\"\(path)\"/></svg>"
    }
}

/// Bits appended most significant first.
struct BitBuffer {
    private(set) var bits: [Bool] = []
    var count: Int { bits.count }

    mutating func append(_ value: Int, count: Int) {
        for shift in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> shift) & 1 == 1) }
    }

    func bytes() -> [UInt8] {
        stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<start + 8].reduce(UInt8(0)) { ($0 << 1) | ($1 ? 1 : 0) }
        }
    }
}

/// Reed-Solomon over GF(2^8) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D).
enum ReedSolomon {
    static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var product = 0
        for bit in stride(from: 7, through: 0, by: -1) {
            product = (product << 1) ^ ((product >> 7) * 0x11D)
            product ^= Int((y >> UInt8(bit)) & 1) * Int(x)
        }
        return UInt8(product)
    }

    /// The generator polynomial (x - α^0)(x - α^1)...(x - α^(degree-1)), highest coefficient (always 1) left out.
    static func divisor(degree: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for index in 0..<degree {
                result[index] = multiply(result[index], root)
                if index + 1 < degree { result[index] ^= result[index + 1] }
            }
            root = multiply(root, 2)
        }
        return result
    }

    static func remainder(_ data: [UInt8], divisor: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: divisor.count)
        for byte in data {
            let factor = byte ^ result.removeFirst()
            result.append(0)
            for index in result.indices { result[index] ^= multiply(divisor[index], factor) }
        }
        return result
    }
}
