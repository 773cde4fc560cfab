import SwiftASN1

/// A message that is not valid BER or not a valid LDAPMessage: the session cannot continue.
struct LDAPDecodingError: Error, Equatable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// BER decoding of the responses (RFC 4511 4). swift-asn1 bounds the nesting (50 levels) and checks every length
/// against the bytes present; anything unexpected here becomes an `LDAPDecodingError`.
extension LDAPMessage {
    init(berEncoded bytes: ArraySlice<UInt8>) throws {
        let root: ASN1Node
        do {
            root = try BER.parse(bytes)
        } catch {
            throw LDAPDecodingError("not valid BER: \(error)")
        }
        var fields = try root.children(.sequence, "LDAPMessage")
        let id = try Int(berEncoded: try fields.required("messageID"), withIdentifier: .integer)
        guard let id = Int32(exactly: id), id >= 0 else { throw LDAPDecodingError("messageID \(id) out of range") }
        self.id = id
        operation = try LDAPOperation(node: try fields.required("protocolOp"))
        controls = []
        if let node = fields.next() {
            guard node.identifier == .context(0) else { throw LDAPDecodingError("unexpected \(node.identifier) after protocolOp") }
            var list = try node.children(.context(0), "controls")
            while let control = list.next() { controls.append(try LDAPControl(node: control)) }
        }
    }
}

extension ASN1Node {
    func children(_ identifier: ASN1Identifier, _ what: String) throws -> ASN1NodeCollection.Iterator {
        guard self.identifier == identifier, case .constructed(let nodes) = content else {
            throw LDAPDecodingError("\(what): expected constructed \(identifier), got \(self.identifier)")
        }
        return nodes.makeIterator()
    }

    func octets(_ what: String, tag identifier: ASN1Identifier = .octetString) throws -> ArraySlice<UInt8> {
        guard self.identifier == identifier, case .primitive(let bytes) = content else {
            throw LDAPDecodingError("\(what): expected primitive \(identifier), got \(self.identifier)")
        }
        return bytes
    }

    func string(_ what: String, tag identifier: ASN1Identifier = .octetString) throws -> String {
        String(decoding: try octets(what, tag: identifier), as: UTF8.self)
    }
}

extension ASN1NodeCollection.Iterator {
    mutating func required(_ what: String) throws -> ASN1Node {
        guard let node = next() else { throw LDAPDecodingError("\(what) is missing") }
        return node
    }
}

extension LDAPOperation {
    init(node: ASN1Node) throws {
        guard node.identifier.tagClass == .application else {
            throw LDAPDecodingError("protocolOp: expected an application tag, got \(node.identifier)")
        }
        switch node.identifier.tagNumber {
        case 1: self = .bindResponse(try LDAPResult(node: node))
        case 4: self = .searchResultEntry(try LDAPEntry(node: node))
        case 5: self = .searchResultDone(try LDAPResult(node: node))
        case 19: self = .searchResultReference
        case 24:
            let result = try LDAPResult(node: node)
            var fields = try node.children(node.identifier, "ExtendedResponse")
            var name: String?
            while let field = fields.next() {
                if field.identifier == .context(10) { name = try field.string("responseName", tag: .context(10)) }
            }
            self = .extendedResponse(result, name: name)
        case 25: self = .intermediateResponse
        default: throw LDAPDecodingError("unexpected protocolOp [APPLICATION \(node.identifier.tagNumber)]")
        }
    }
}

extension LDAPResult {
    /// The leading LDAPResult fields of a response; what follows them (referral, SASL credentials, the extended
    /// response's name and value) is left to the caller.
    init(node: ASN1Node) throws {
        var fields = try node.children(node.identifier, "LDAPResult")
        let code = try Int(berEncoded: try fields.required("resultCode"), withIdentifier: .enumerated)
        self.code = LDAPResultCode(rawValue: code)
        matchedDN = try fields.required("matchedDN").string("matchedDN")
        diagnosticMessage = try fields.required("diagnosticMessage").string("diagnosticMessage")
    }
}

extension LDAPEntry {
    /// `SearchResultEntry ::= [APPLICATION 4] SEQUENCE { objectName, attributes PartialAttributeList }`.
    init(node: ASN1Node) throws {
        var fields = try node.children(node.identifier, "SearchResultEntry")
        dn = try fields.required("objectName").string("objectName")
        attributes = [:]
        var list = try fields.required("attributes").children(.sequence, "attributes")
        while let attribute = list.next() {
            var parts = try attribute.children(.sequence, "PartialAttribute")
            let type = try parts.required("type").string("type").lowercased()
            var values = try parts.required("vals").children(.set, "vals")
            var collected = attributes[type] ?? []
            while let value = values.next() { collected.append(Array(try value.octets("value"))) }
            attributes[type] = collected
        }
    }
}

extension LDAPControl {
    init(node: ASN1Node) throws {
        var fields = try node.children(.sequence, "Control")
        type = try fields.required("controlType").string("controlType")
        critical = false
        value = nil
        while let field = fields.next() {
            if field.identifier == .boolean {
                critical = try Bool(berEncoded: field)
            } else {
                value = Array(try field.octets("controlValue"))
            }
        }
    }

    /// The size and cookie of a paged results response control (RFC 2696 3).
    func pagedResultsCookie() throws -> [UInt8] {
        guard let value else { throw LDAPDecodingError("paged results control without a value") }
        let root: ASN1Node
        do { root = try BER.parse(value) } catch { throw LDAPDecodingError("paged results control: not valid BER") }
        var fields = try root.children(.sequence, "realSearchControlValue")
        _ = try Int(berEncoded: try fields.required("size"), withIdentifier: .integer)
        return Array(try fields.required("cookie").octets("cookie"))
    }
}
