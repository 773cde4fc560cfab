/// The module grid of a QR symbol being built: function patterns (fixed), then codewords, mask and format bits.
/// Coordinates are (x, y) with `modules[y][x]`, as in the standard's figures.
struct QRGrid {
    let version: Int
    let size: Int
    var modules: [[Bool]]
    var isFunction: [[Bool]]

    init(version: Int) {
        self.version = version
        size = version * 4 + 17
        modules = Array(repeating: Array(repeating: false, count: size), count: size)
        isFunction = modules
    }

    private mutating func setFunction(_ x: Int, _ y: Int, _ dark: Bool) {
        modules[y][x] = dark
        isFunction[y][x] = true
    }

    mutating func drawFunctionPatterns(alignment: [Int]) {
        for index in 0..<size {
            setFunction(6, index, index % 2 == 0)
            setFunction(index, 6, index % 2 == 0)
        }
        drawFinder(3, 3)
        drawFinder(size - 4, 3)
        drawFinder(3, size - 4)
        let last = alignment.count - 1
        for (i, x) in alignment.enumerated() {
            for (j, y) in alignment.enumerated() {
                // The three corners with finder patterns have no alignment pattern.
                if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
                for dy in -2...2 {
                    for dx in -2...2 { setFunction(x + dx, y + dy, max(abs(dx), abs(dy)) != 1) }
                }
            }
        }
        drawFormatBits(mask: 0)  // reserves the format areas; redrawn with the chosen mask
        drawVersion()
    }

    /// The finder pattern centred on (x, y) with its light separator, clipped at the edges.
    private mutating func drawFinder(_ x: Int, _ y: Int) {
        for dy in -4...4 {
            for dx in -4...4 where (0..<size).contains(x + dx) && (0..<size).contains(y + dy) {
                let distance = max(abs(dx), abs(dy))
                setFunction(x + dx, y + dy, distance != 2 && distance != 4)
            }
        }
    }

    /// Level M (indicator 00) and the mask, BCH(15,5)-protected and XORed with 0x5412, in both copies.
    mutating func drawFormatBits(mask: Int) {
        let data = (0b00 << 3) | mask
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        let bits = ((data << 10) | remainder) ^ 0x5412
        func bit(_ index: Int) -> Bool { (bits >> index) & 1 == 1 }
        for index in 0...5 { setFunction(8, index, bit(index)) }
        setFunction(8, 7, bit(6))
        setFunction(8, 8, bit(7))
        setFunction(7, 8, bit(8))
        for index in 9..<15 { setFunction(14 - index, 8, bit(index)) }
        for index in 0..<8 { setFunction(size - 1 - index, 8, bit(index)) }
        for index in 8..<15 { setFunction(8, size - 15 + index, bit(index)) }
        setFunction(8, size - 8, true)  // the dark module
    }

    /// Versions 7 and up carry their number, BCH(18,6)-protected, beside two finder patterns.
    private mutating func drawVersion() {
        guard version >= 7 else { return }
        var remainder = version
        for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
        let bits = (version << 12) | remainder
        for index in 0..<18 {
            let dark = (bits >> index) & 1 == 1
            let a = size - 11 + index % 3
            let b = index / 3
            setFunction(a, b, dark)
            setFunction(b, a, dark)
        }
    }

    /// Places the codewords' bits in the zigzag of two-module columns, right to left, skipping the timing column.
    mutating func drawCodewords(_ codewords: [UInt8]) {
        var bitIndex = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            for vertical in 0..<size {
                for offset in 0..<2 {
                    let x = right - offset
                    let upward = (right + 1) & 2 == 0
                    let y = upward ? size - 1 - vertical : vertical
                    guard !isFunction[y][x], bitIndex < codewords.count * 8 else { continue }
                    modules[y][x] = (codewords[bitIndex >> 3] >> UInt8(7 - (bitIndex & 7))) & 1 == 1
                    bitIndex += 1
                }
            }
            right -= 2
        }
    }

    mutating func applyMask(_ mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y][x] {
                let invert = switch mask {
                case 0: (x + y) % 2 == 0
                case 1: y % 2 == 0
                case 2: x % 3 == 0
                case 3: (x + y) % 3 == 0
                case 4: (x / 3 + y / 2) % 2 == 0
                case 5: x * y % 2 + x * y % 3 == 0
                case 6: (x * y % 2 + x * y % 3) % 2 == 0
                default: ((x + y) % 2 + x * y % 3) % 2 == 0
                }
                if invert { modules[y][x].toggle() }
            }
        }
    }

    /// The standard's four penalty rules: runs of five or more, 2x2 blocks, finder-like patterns, dark/light balance.
    func penalty() -> Int {
        var score = 0
        let columns = (0..<size).map { x in (0..<size).map { y in modules[y][x] } }
        for line in modules + columns {
            var runLength = 1
            for index in 1..<size {
                if line[index] == line[index - 1] {
                    runLength += 1
                } else {
                    if runLength >= 5 { score += runLength - 2 }
                    runLength = 1
                }
            }
            if runLength >= 5 { score += runLength - 2 }
            score += 40 * Self.finderLikePatterns(in: line)
        }
        for y in 0..<size - 1 {
            for x in 0..<size - 1 {
                let colour = modules[y][x]
                if colour == modules[y][x + 1], colour == modules[y + 1][x], colour == modules[y + 1][x + 1] { score += 3 }
            }
        }
        let dark = modules.reduce(0) { $0 + $1.filter { $0 }.count }
        let total = size * size
        // 10 points for each full 5 % the dark share is away from 50 %.
        score += abs(dark * 100 - total * 50) / (total * 5) * 10
        return score
    }

    /// Occurrences of dark-light-dark-dark-dark-light-dark with four light modules before or after (the edge counts as light).
    static func finderLikePatterns(in line: [Bool]) -> Int {
        let padded = Array(repeating: false, count: 4) + line + Array(repeating: false, count: 4)
        let core: [Bool] = [true, false, true, true, true, false, true]
        let light = Array(repeating: false, count: 4)
        var count = 0
        for start in 0...(padded.count - 11) {
            let window = Array(padded[start..<start + 11])
            if Array(window[0..<7]) == core && Array(window[7..<11]) == light { count += 1 }
            if Array(window[0..<4]) == light && Array(window[4..<11]) == core { count += 1 }
        }
        return count
    }
}
