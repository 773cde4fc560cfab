/// A small writer for server-rendered SVG charts: every value it writes is XML-escaped, every number is
/// printed in the same locale-free way, so the output is well-formed XML that can be inlined in HTML or
/// served on its own.
///
/// Colours are not written here: elements get CSS classes and the stylesheet picks colours for the light and
/// dark themes (CSP forbids inline styles, and presentation attributes would ignore the theme).
public struct SVGCanvas: Sendable {
    public let width: Double
    public let height: Double
    private var body: [String] = []

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    public mutating func rect(x: Double, y: Double, width: Double, height: Double, class className: String, tooltip: String? = nil) {
        let attributes = "x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(max(0, width)))\" height=\"\(Self.number(max(0, height)))\""
        if let tooltip {
            // A <title> child is the SVG way to give one shape a hover text and an accessible name.
            body.append("<rect \(attributes) class=\"\(XMLText.escape(className))\"><title>\(XMLText.escape(tooltip))</title></rect>")
        } else {
            body.append("<rect \(attributes) class=\"\(XMLText.escape(className))\"/>")
        }
    }

    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, class className: String) {
        body.append("<line x1=\"\(Self.number(x1))\" y1=\"\(Self.number(y1))\" x2=\"\(Self.number(x2))\" y2=\"\(Self.number(y2))\" class=\"\(XMLText.escape(className))\"/>")
    }

    public mutating func polyline(_ points: [(x: Double, y: Double)], class className: String) {
        let list = points.map { "\(Self.number($0.x)),\(Self.number($0.y))" }.joined(separator: " ")
        body.append("<polyline points=\"\(list)\" class=\"\(XMLText.escape(className))\"/>")
    }

    public mutating func circle(x: Double, y: Double, radius: Double, class className: String, tooltip: String? = nil) {
        let attributes = "cx=\"\(Self.number(x))\" cy=\"\(Self.number(y))\" r=\"\(Self.number(radius))\" class=\"\(XMLText.escape(className))\""
        body.append(tooltip.map { "<circle \(attributes)><title>\(XMLText.escape($0))</title></circle>" } ?? "<circle \(attributes)/>")
    }

    public enum Anchor: String, Sendable { case start, middle, end }

    public mutating func text(_ content: String, x: Double, y: Double, anchor: Anchor = .start, class className: String) {
        body.append("<text x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" text-anchor=\"\(anchor.rawValue)\" class=\"\(XMLText.escape(className))\">\(XMLText.escape(content))</text>")
    }

    /// The finished element. `title` and `summary` are the text alternative: screen readers announce them
    /// (role="img" with aria-labelledby), and the page shows the same figures in a table next to the chart.
    public func render(id: String, title: String, summary: String, class className: String) -> String {
        let safeID = XMLText.identifier(id)
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\""
            + " width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" class=\"\(XMLText.escape(className))\""
            + " role=\"img\" aria-labelledby=\"\(safeID)-title \(safeID)-desc\" id=\"\(safeID)\">"
            + "<title id=\"\(safeID)-title\">\(XMLText.escape(title))</title>"
            + "<desc id=\"\(safeID)-desc\">\(XMLText.escape(summary))</desc>"
            + body.joined()
            + "</svg>"
    }

    /// Coordinates with at most one decimal, never in exponent notation, and "-0" never appears.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = Int((value * 10).rounded())
        if tenths == 0 { return "0" }
        let sign = tenths < 0 ? "-" : ""
        let magnitude = abs(tenths)
        return magnitude % 10 == 0 ? "\(sign)\(magnitude / 10)" : "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }
}
