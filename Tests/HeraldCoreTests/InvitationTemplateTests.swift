import HeraldCore
import Testing

@Suite("Invitation template: variables, warnings, escaping")
struct InvitationTemplateTests {
    let values = TemplateValues(
        recipient: "<b>x</b> & Co", sender: "it@example.com",
        instructions: RenderedBlock(html: "<ul><li>AUTO</li></ul>\n", text: "AUTO\n"),
        manualInstructions: RenderedBlock(html: "<ol><li>MANUAL</li></ol>\n", text: "MANUAL\n"))

    @Test("an unknown %WORD% is an error that names it, and lower case gets a hint")
    func unknownVariableIsNamed() {
        // given / when / then
        #expect(throws: FieldProblem.self) { try InvitationTemplate(parsing: "Hi %NAME%, %recipient%") }
        do {
            _ = try InvitationTemplate(parsing: "Hi %NAME%, %recipient%")
        } catch {
            #expect(error.field == "template")
            #expect(error.message.contains("%NAME%"))
            #expect(error.message.contains("%recipient% (variables are upper case: %RECIPIENT%)"))
        }
    }

    @Test("leaving out variables is a warning listing each one, not an error")
    func missingVariablesAreListed() throws {
        // given / when
        let template = try InvitationTemplate(parsing: "Hello %RECIPIENT%,\n\n%INSTRUCTIONS%")
        // then
        #expect(template.missingVariables == [.sender, .manualInstructions])
    }

    @Test("percent signs that do not form a variable stay text, %% is one percent sign")
    func literalPercentSigns() throws {
        // given
        let template = try InvitationTemplate(parsing: "100% sure, 50%% off, %RECIPIENT%")
        // when
        let rendered = template.render(values)
        // then
        #expect(rendered.text == "100% sure, 50% off, <b>x</b> & Co\n")
    }

    @Test("values and the administrator's text are HTML-escaped; block variables are inserted as generated HTML")
    func escaping() throws {
        // given
        let template = try InvitationTemplate(parsing: "Dear %RECIPIENT% <i>,\nline two\n\n%INSTRUCTIONS%\n\nManual: %MANUALINSTRUCTIONS%")
        // when
        let html = template.render(values).html
        // then
        #expect(html.contains("Dear &lt;b&gt;x&lt;/b&gt; &amp; Co &lt;i&gt;,<br>\nline two"))
        #expect(!html.contains("<b>x</b>"))
        #expect(html.contains("<ul><li>AUTO</li></ul>"))
        #expect(html.contains("Manual: <ol><li>MANUAL</li></ol>"))
    }

    @Test("the subject takes inline variables only, on one line")
    func subject() throws {
        #expect(try InvitationTemplate.parseSubject("Welcome %RECIPIENT%").renderSubject(values) == "Welcome <b>x</b> & Co")
        #expect(throws: FieldProblem.self) { try InvitationTemplate.parseSubject("Setup %INSTRUCTIONS%") }
        #expect(throws: FieldProblem.self) { try InvitationTemplate.parseSubject("Hi %WHO%") }
    }
}
