import Foundation
import HeraldCore
import Testing

@Suite("Directory groups: expansion and cycles")
struct DirectoryGraphTests {
    // Staff = {ann, bob, Engineering}; Engineering = {bob, cat, dan (disabled), Platform}; Platform = {eve}
    let graph = DirectoryGraph<String>(
        people: [.init(id: "ann", enabled: true), .init(id: "bob", enabled: true), .init(id: "cat", enabled: true),
                 .init(id: "dan", enabled: false), .init(id: "eve", enabled: true)],
        memberUsers: ["Staff": ["ann", "bob"], "Engineering": ["bob", "cat", "dan"], "Platform": ["eve"]],
        memberGroups: ["Staff": ["Engineering"], "Engineering": ["Platform"]])

    @Test("a group expands to its enabled members through nested groups, each person once")
    func expansion() {
        #expect(graph.recipients(users: ["cat"], groups: ["Staff", "Engineering"]) == ["cat", "ann", "bob", "eve"])
    }

    @Test("a disabled user is left out even when chosen directly")
    func disabledUsers() {
        #expect(graph.recipients(users: ["dan"], groups: []) == [])
    }

    @Test("an edge that would close a cycle is detected, direct or through other groups")
    func cycles() {
        #expect(graph.wouldCreateCycle(adding: "Staff", to: "Platform"))
        #expect(graph.wouldCreateCycle(adding: "Engineering", to: "Engineering"))
        #expect(!graph.wouldCreateCycle(adding: "Platform", to: "Staff"))
    }

    @Test("expansion terminates on a cycle stored by hand")
    func storedCycle() {
        let cyclic = DirectoryGraph<String>(people: [.init(id: "ann", enabled: true)], memberUsers: ["A": ["ann"]], memberGroups: ["A": ["B"], "B": ["A"]])
        #expect(cyclic.recipients(users: [], groups: ["B"]) == ["ann"])
    }
}

@Suite("Directory user CSV")
struct DirectoryUserCSVTests {
    @Test("rows with a header, quoted names, groups separated by semicolons and an enabled column")
    func goodFile() {
        // given
        let csv = "name,email,groups,enabled\r\n\"Lovelace, Ada\",Ada@Example.com,Engineering; London\nBob,bob@example.com,,no\n"
        // when
        let parsed = DirectoryUserCSV.parse(Data(csv.utf8))
        // then
        #expect(parsed.errors.isEmpty)
        #expect(parsed.rows.map(\.name) == ["Lovelace, Ada", "Bob"])
        #expect(parsed.rows.map(\.email.normalized) == ["ada@example.com", "bob@example.com"])
        #expect(parsed.rows[0].groups == ["Engineering", "London"])
        #expect(parsed.rows.map(\.enabled) == [true, false])
    }

    @Test("every problem is reported with its line")
    func lineNumberedErrors() {
        // given
        let csv = "Ann,ann@example.com\n,nobody@example.com\nBob,bob@\nAnn Again,ANN@example.com\nCat\nDan,dan@example.com,G,maybe\nEve,eve@example.com,a,b,c\n"
        // when
        let parsed = DirectoryUserCSV.parse(Data(csv.utf8))
        // then
        #expect(parsed.errors.map(\.line) == [2, 3, 4, 5, 6, 7])
        #expect(parsed.errors[0].description == "line 2: the name is empty")
        #expect(parsed.errors[1].description.hasPrefix("line 3: 'bob@' is not an email address"))
        #expect(parsed.errors[2].description == "line 4: 'ANN@example.com' is a duplicate of line 1")
        #expect(parsed.errors[3].description.contains("expected name,email"))
    }

    @Test("an empty file and a UTF-16 file are refused as a whole")
    func wholeFileProblems() {
        #expect(DirectoryUserCSV.parse(Data("\n\n".utf8)).errors.map(\.line) == [nil])
        #expect(DirectoryUserCSV.parse(Data([0xFF, 0xFE, 0x41, 0x00])).errors.first?.message.contains("UTF-16") == true)
    }
}
