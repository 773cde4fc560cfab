import SwiftASN1

/// BER encoding of the requests (RFC 4511 5.1: definite lengths; DER's encoder is a valid BER encoder).
extension LDAPMessage {
    func encoded() throws -> [UInt8] {
        var coder = DER.Serializer()
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(Int(id))
            try operation.encode(into: &coder)
            if !controls.isEmpty {
                try coder.appendConstructedNode(identifier: .context(0)) { coder in
                    for control in controls { try control.encode(into: &coder) }
                }
            }
        }
        return coder.serializedBytes
    }
}

extension ASN1Identifier {
    static func application(_ number: UInt) -> ASN1Identifier { ASN1Identifier(tagWithNumber: number, tagClass: .application) }
    static func context(_ number: UInt) -> ASN1Identifier { ASN1Identifier(tagWithNumber: number, tagClass: .contextSpecific) }
}

extension DER.Serializer {
    mutating func appendOctets(_ bytes: some Sequence<UInt8>, identifier: ASN1Identifier = .octetString) {
        appendPrimitiveNode(identifier: identifier) { $0.append(contentsOf: bytes) }
    }

    mutating func appendString(_ text: String, identifier: ASN1Identifier = .octetString) {
        appendOctets(text.utf8, identifier: identifier)
    }
}

extension LDAPOperation {
    func encode(into coder: inout DER.Serializer) throws {
        switch self {
        case .bindRequest(let dn, let password):
            try coder.appendConstructedNode(identifier: .application(0)) { coder in
                try coder.serialize(3)
                coder.appendString(dn)
                coder.appendOctets(password, identifier: .context(0))
            }
        case .unbindRequest:
            coder.appendOctets([], identifier: .application(2))
        case .searchRequest(let search):
            try coder.appendConstructedNode(identifier: .application(3)) { coder in
                coder.appendString(search.baseDN)
                try search.scope.rawValue.serialize(into: &coder, withIdentifier: .enumerated)
                try 0.serialize(into: &coder, withIdentifier: .enumerated)  // neverDerefAliases
                try coder.serialize(0)  // sizeLimit: the server's
                try coder.serialize(search.timeLimit)
                try coder.serialize(false)  // typesOnly
                try search.filter.encode(into: &coder, depth: 0)
                coder.appendConstructedNode(identifier: .sequence) { coder in
                    for attribute in search.attributes { coder.appendString(attribute) }
                }
            }
        case .abandonRequest(let id):
            try Int(id).serialize(into: &coder, withIdentifier: .application(16))
        case .extendedRequest(let name, let value):
            coder.appendConstructedNode(identifier: .application(23)) { coder in
                coder.appendString(name, identifier: .context(0))
                if let value { coder.appendOctets(value, identifier: .context(1)) }
            }
        case .bindResponse, .searchResultEntry, .searchResultReference, .searchResultDone, .extendedResponse,
             .intermediateResponse:
            // Server-to-client only; the tests' fake servers write them with their own encoder.
            throw LDAPDecodingError("a client does not send \(self)")
        }
    }
}

extension LDAPControl {
    func encode(into coder: inout DER.Serializer) throws {
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            coder.appendString(type)
            if critical { try coder.serialize(true) }
            if let value { coder.appendOctets(value) }
        }
    }

    /// The paged results request control (RFC 2696 3): `realSearchControlValue ::= SEQUENCE { size, cookie }`.
    /// Not critical: a server without paging answers in one go or with sizeLimitExceeded, which we report as such.
    static func pagedResults(size: Int, cookie: [UInt8]) throws -> LDAPControl {
        var coder = DER.Serializer()
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(size)
            coder.appendOctets(cookie)
        }
        return LDAPControl(type: LDAPOID.pagedResults, critical: false, value: coder.serializedBytes)
    }
}

extension LDAPFilter {
    func encode(into coder: inout DER.Serializer, depth: Int) throws {
        guard depth < Self.maximumDepth else { throw LDAPDecodingError("filter nested too deeply") }
        switch self {
        case .and(let filters), .or(let filters):
            let tag: UInt = if case .and = self { 0 } else { 1 }
            try coder.appendConstructedNode(identifier: .context(tag)) { coder in
                for filter in filters { try filter.encode(into: &coder, depth: depth + 1) }
            }
        case .not(let filter):
            try coder.appendConstructedNode(identifier: .context(2)) { try filter.encode(into: &$0, depth: depth + 1) }
        case .equalityMatch(let attribute, let value): Self.encodeAssertion(3, attribute, value, into: &coder)
        case .greaterOrEqual(let attribute, let value): Self.encodeAssertion(5, attribute, value, into: &coder)
        case .lessOrEqual(let attribute, let value): Self.encodeAssertion(6, attribute, value, into: &coder)
        case .approxMatch(let attribute, let value): Self.encodeAssertion(8, attribute, value, into: &coder)
        case .present(let attribute):
            coder.appendString(attribute, identifier: .context(7))
        case .substrings(let attribute, let initial, let any, let final):
            coder.appendConstructedNode(identifier: .context(4)) { coder in
                coder.appendString(attribute)
                coder.appendConstructedNode(identifier: .sequence) { coder in
                    if let initial { coder.appendOctets(initial, identifier: .context(0)) }
                    for part in any { coder.appendOctets(part, identifier: .context(1)) }
                    if let final { coder.appendOctets(final, identifier: .context(2)) }
                }
            }
        case .extensibleMatch(let rule, let attribute, let value, let dnAttributes):
            try coder.appendConstructedNode(identifier: .context(9)) { coder in
                if let rule { coder.appendString(rule, identifier: .context(1)) }
                if let attribute { coder.appendString(attribute, identifier: .context(2)) }
                coder.appendOctets(value, identifier: .context(3))
                if dnAttributes { try true.serialize(into: &coder, withIdentifier: .context(4)) }
            }
        }
    }

    private static func encodeAssertion(_ tag: UInt, _ attribute: String, _ value: [UInt8], into coder: inout DER.Serializer) {
        coder.appendConstructedNode(identifier: .context(tag)) { coder in
            coder.appendString(attribute)
            coder.appendOctets(value)
        }
    }
}
