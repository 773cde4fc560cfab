import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses `xml` with Foundation's XML parser; returns the parser's error, or nil when the document is well-formed.
/// Also collects element names so tests can check what was drawn.
final class XMLWellFormedness: NSObject, XMLParserDelegate {
    private(set) var elements: [String] = []
    private(set) var text = ""

    static func check(_ xml: String) -> (error: String?, elements: [String], text: String) {
        let delegate = XMLWellFormedness()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = delegate
        let ok = parser.parse()
        return (ok ? nil : String(describing: parser.parserError), delegate.elements, delegate.text)
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        elements.append(elementName)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }
}
