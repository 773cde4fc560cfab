import HeraldCore
import MIME

extension MailMessage {
    /// The message with its header text made safe to render. Names, sender names and subjects are checked by
    /// `SafeText` where they are typed, but rows stored before that rule (or written straight into the database)
    /// may still hold a line break or a control character; the renderer refuses those, and a refusal would fail
    /// the whole action the mail belongs to (a member who can never be blocked). Here the bad scalars are dropped
    /// (line breaks become spaces), so the mail goes out with the rest of the name.
    func withStoredTextScrubbed() -> MailMessage {
        var message = self
        message.subject = SafeText.scrubbed(subject)
        message.from.displayName = from.displayName.map { SafeText.scrubbed($0) }
        message.to = to.map { Mailbox(address: $0.address, displayName: $0.displayName.map { SafeText.scrubbed($0) }) }
        message.replyTo = replyTo.map { Mailbox(address: $0.address, displayName: $0.displayName.map { SafeText.scrubbed($0) }) }
        return message
    }
}
