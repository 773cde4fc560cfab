import SwiftASN1
import Testing

@testable import LDAP

/// The requests' bytes, written out by hand from RFC 4511's ASN.1 (and checked against what ldapsearch sends).
@Suite struct LDAPEncodingTests {
    @Test func bindRequest() throws {
        let message = LDAPMessage(id: 1, operation: .bindRequest(dn: "cn=a", password: Array("pw".utf8)))
        #expect(try message.encoded() == [
            0x30, 0x12, 0x02, 0x01, 0x01,
            0x60, 0x0d, 0x02, 0x01, 0x03, 0x04, 0x04, 0x63, 0x6e, 0x3d, 0x61, 0x80, 0x02, 0x70, 0x77,
        ])
    }

    @Test func unbindAndAbandon() throws {
        #expect(try LDAPMessage(id: 7, operation: .unbindRequest).encoded() == [0x30, 0x05, 0x02, 0x01, 0x07, 0x42, 0x00])
        #expect(try LDAPMessage(id: 8, operation: .abandonRequest(5)).encoded() == [0x30, 0x06, 0x02, 0x01, 0x08, 0x50, 0x01, 0x05])
    }

    @Test func startTLSRequest() throws {
        let oid = Array(LDAPOID.startTLS.utf8)
        let bytes = try LDAPMessage(id: 1, operation: .extendedRequest(name: LDAPOID.startTLS, value: nil)).encoded()
        #expect(bytes == [0x30, UInt8(oid.count + 7), 0x02, 0x01, 0x01, 0x77, UInt8(oid.count + 2), 0x80, UInt8(oid.count)] + oid)
    }

    @Test func searchRequestWithPagingControl() throws {
        let parameters = LDAPSearchParameters(baseDN: "dc=t", scope: .wholeSubtree, filter: .present(attribute: "cn"), attributes: ["mail"])
        var message = LDAPMessage(id: 2, operation: .searchRequest(parameters))
        message.controls = [try LDAPControl.pagedResults(size: 1000, cookie: [0xab])]
        let oid = Array(LDAPOID.pagedResults.utf8)
        let search: [UInt8] = [
            0x63, 0x21,
            0x04, 0x04, 0x64, 0x63, 0x3d, 0x74,  // baseObject "dc=t"
            0x0a, 0x01, 0x02,  // wholeSubtree
            0x0a, 0x01, 0x00,  // neverDerefAliases
            0x02, 0x01, 0x00, 0x02, 0x01, 0x00,  // sizeLimit, timeLimit
            0x01, 0x01, 0x00,  // typesOnly FALSE
            0x87, 0x02, 0x63, 0x6e,  // present "cn"
            0x30, 0x06, 0x04, 0x04, 0x6d, 0x61, 0x69, 0x6c,
        ]
        let value: [UInt8] = [0x30, 0x07, 0x02, 0x02, 0x03, 0xe8, 0x04, 0x01, 0xab]
        let control: [UInt8] = [0x30, UInt8(2 + oid.count + 2 + value.count), 0x04, UInt8(oid.count)] + oid + [0x04, UInt8(value.count)] + value
        let controls: [UInt8] = [0xa0, UInt8(control.count)] + control
        let body: [UInt8] = [0x02, 0x01, 0x02] + search + controls
        #expect(try message.encoded() == [0x30, UInt8(body.count)] + body)
    }

    @Test func filtersOfEveryKind() throws {
        func encoded(_ text: String) throws -> [UInt8] {
            var coder = DERSerializerBox()
            try LDAPFilter(parsing: text).encode(into: &coder.serializer, depth: 0)
            return coder.serializer.serializedBytes
        }
        #expect(try encoded("(cn=a)") == [0xa3, 0x07, 0x04, 0x02, 0x63, 0x6e, 0x04, 0x01, 0x61])
        #expect(try encoded("(cn>=a)") == [0xa5, 0x07, 0x04, 0x02, 0x63, 0x6e, 0x04, 0x01, 0x61])
        #expect(try encoded("(cn<=a)") == [0xa6, 0x07, 0x04, 0x02, 0x63, 0x6e, 0x04, 0x01, 0x61])
        #expect(try encoded("(cn~=a)") == [0xa8, 0x07, 0x04, 0x02, 0x63, 0x6e, 0x04, 0x01, 0x61])
        #expect(try encoded("(!(cn=a))") == [0xa2, 0x09, 0xa3, 0x07, 0x04, 0x02, 0x63, 0x6e, 0x04, 0x01, 0x61])
        #expect(try encoded("(&(cn=a)(sn=*))") == [0xa0, 0x0d, 0xa3, 0x07, 0x04, 0x02, 0x63, 0x6e, 0x04, 0x01, 0x61, 0x87, 0x02, 0x73, 0x6e])
        #expect(try encoded("(|(sn=*))") == [0xa1, 0x04, 0x87, 0x02, 0x73, 0x6e])
        #expect(try encoded("(cn=a*b*c)") == [
            0xa4, 0x0f, 0x04, 0x02, 0x63, 0x6e, 0x30, 0x09, 0x80, 0x01, 0x61, 0x81, 0x01, 0x62, 0x82, 0x01, 0x63,
        ])
        #expect(try encoded("(x:dn:1.2:=v)") == [
            0xa9, 0x0e, 0x81, 0x03, 0x31, 0x2e, 0x32, 0x82, 0x01, 0x78, 0x83, 0x01, 0x76, 0x84, 0x01, 0xff,
        ])
    }

    @Test func aFilterBuiltInCodeDeeperThanTheBoundIsRefused() {
        var filter = LDAPFilter.present(attribute: "cn")
        for _ in 0..<LDAPFilter.maximumDepth { filter = .not(filter) }
        var coder = DERSerializerBox()
        #expect(throws: LDAPDecodingError.self) { try filter.encode(into: &coder.serializer, depth: 0) }
    }
}

/// `DER.Serializer` is not `inout`-friendly inside `#expect` closures; a box keeps the tests short.
struct DERSerializerBox {
    var serializer = DER.Serializer()
}
