import Testing
@testable import HeraldCore

@Suite("RecipientListParser: pasted text")
struct RecipientListTextTests {
    let parser = RecipientListParser()

    @Test("splits on newlines, commas, semicolons and whitespace")
    func separators() {
        // given
        let text = "bob@example.com, alice@example.com;carol@example.com\n\ndave@example.com erin@example.com\t frank@example.com"
        // when
        let list = parser.parse(text: text)
        // then
        #expect(list.errors.isEmpty)
        #expect(list.addresses.count == 6)
        #expect(list.recipients.map(\.line) == [1, 1, 1, 3, 3, 3])
    }

    @Test("takes the address out of 'Name <address>' entries")
    func nameAddr() {
        // given / when
        let list = parser.parse(text: "Bob Smith <bob@example.com>; Alice <alice@example.com>")
        // then
        #expect(list.addresses.map(\.description) == ["bob@example.com", "alice@example.com"])
    }

    @Test("reports invalid addresses and duplicates with their lines")
    func errors() {
        // given / when
        let list = parser.parse(text: "bob@example.com\r\nbob@\r\nBob@Example.com")
        // then
        #expect(list.errors.map(\.description) == [
            "line 2: 'bob@' has no domain",
            "line 3: 'Bob@example.com' is a duplicate of line 1",
        ])
    }

    @Test("an empty paste has no addresses")
    func empty() {
        // given / when / then
        #expect(parser.parse(text: " \n ,; ").errors.map(\.description) == ["the file has no email addresses"])
    }
}
