import SwiftASN1

@testable import LDAP

/// The server's side of the protocol, encoded independently of the client's decoder, for the fake servers of the
/// unit tests.
enum ServerMessage {
    static func encode(_ id: Int32, controls: [(type: String, value: [UInt8])] = [],
                       _ operation: (inout DER.Serializer) throws -> Void) -> [UInt8] {
        var coder = DER.Serializer()
        try! coder.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(Int(id))
            try operation(&coder)
            if !controls.isEmpty {
                coder.appendConstructedNode(identifier: .context(0)) { coder in
                    for control in controls {
                        coder.appendConstructedNode(identifier: .sequence) { coder in
                            coder.appendString(control.type)
                            coder.appendOctets(control.value)
                        }
                    }
                }
            }
        }
        return coder.serializedBytes
    }

    static func result(_ coder: inout DER.Serializer, _ code: Int, _ diagnostic: String) throws {
        try code.serialize(into: &coder, withIdentifier: .enumerated)
        coder.appendString("")
        coder.appendString(diagnostic)
    }

    static func bindResponse(_ id: Int32, code: Int = 0, diagnostic: String = "") -> [UInt8] {
        encode(id) { coder in
            try coder.appendConstructedNode(identifier: .application(1)) { try result(&$0, code, diagnostic) }
        }
    }

    static func extendedResponse(_ id: Int32, code: Int = 0, diagnostic: String = "", name: String? = nil) -> [UInt8] {
        encode(id) { coder in
            try coder.appendConstructedNode(identifier: .application(24)) { coder in
                try result(&coder, code, diagnostic)
                if let name { coder.appendString(name, identifier: .context(10)) }
            }
        }
    }

    static func entry(_ id: Int32, dn: String, _ attributes: [(String, [[UInt8]])]) -> [UInt8] {
        encode(id) { coder in
            coder.appendConstructedNode(identifier: .application(4)) { coder in
                coder.appendString(dn)
                coder.appendConstructedNode(identifier: .sequence) { coder in
                    for (type, values) in attributes {
                        coder.appendConstructedNode(identifier: .sequence) { coder in
                            coder.appendString(type)
                            coder.appendConstructedNode(identifier: .set) { coder in
                                for value in values { coder.appendOctets(value) }
                            }
                        }
                    }
                }
            }
        }
    }

    static func user(_ id: Int32, _ number: Int) -> [UInt8] {
        entry(id, dn: "uid=u\(number),dc=test", [("uid", [Array("u\(number)".utf8)]), ("mail", [Array("u\(number)@test".utf8)])])
    }

    static func reference(_ id: Int32, _ uris: [String]) -> [UInt8] {
        encode(id) { coder in
            coder.appendConstructedNode(identifier: .application(19)) { coder in
                for uri in uris { coder.appendString(uri) }
            }
        }
    }

    /// SearchResultDone; with `cookie`, a paged results response control carrying it.
    static func done(_ id: Int32, code: Int = 0, diagnostic: String = "", cookie: [UInt8]? = nil) -> [UInt8] {
        let controls = cookie.map { [(LDAPOID.pagedResults, pagedValue(size: 0, cookie: $0))] } ?? []
        return encode(id, controls: controls) { coder in
            try coder.appendConstructedNode(identifier: .application(5)) { try result(&$0, code, diagnostic) }
        }
    }

    static func pagedValue(size: Int, cookie: [UInt8]) -> [UInt8] {
        var coder = DER.Serializer()
        try! coder.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(size)
            coder.appendOctets(cookie)
        }
        return coder.serializedBytes
    }
}
