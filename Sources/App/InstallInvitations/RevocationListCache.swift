import Foundation
import JWTKit

/// The last good signed revocation list, kept beside the certificate (`activation-certificate.jwt.revocation-list.json`)
/// so that `herald activate --verify` can still answer, from that copy, when the list cannot be fetched.
///
/// A copy is only ever written after it verified against the organization's keys for the certificate's organization,
/// and only when it is newer than the one kept: an older list replayed by a relay cannot roll the copy back. It is
/// judged again when read (`RevocationCheck`), so a copy edited on disk or another organization's is never used.
struct RevocationListCache {
    let path: String

    init(certificate: String) {
        path = certificate + ".revocation-list.json"
    }

    /// Keeps `text` if it answered for this certificate and is newer than the copy kept; returns whether it did.
    @discardableResult
    func keep(_ text: String, answered check: RevocationCheck, certificate: ActivationCertificate, keys: JWTKeyCollection) async -> Bool {
        guard let listDate = check.listDate else { return false }
        if let kept = read(), let keptDate = await RevocationCheck.check(certificate, keys: keys, list: kept).listDate, keptDate > listDate {
            return false
        }
        return FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o644])
    }

    /// The kept copy's answer when the list could not be fetched (`reason`), with words saying where it came from
    /// and how old it is; or, when the copy no longer verifies, the question left open with both reasons. Nil
    /// without a copy.
    func answer(_ certificate: ActivationCertificate, keys: JWTKeyCollection, unfetched reason: String,
                now: Date = Date()) async -> (RevocationCheck, source: String)? {
        guard let kept = read() else { return nil }
        let answer = await RevocationCheck.check(certificate, keys: keys, list: kept)
        guard let listDate = answer.listDate else {
            let refusal = if case .unchecked(let refusal) = answer { refusal } else { "" }
            return (.unchecked("\(reason); the cached copy in \(path) was not used: \(refusal)"), path)
        }
        return (answer, "the cached copy in \(path), \(Self.age(of: listDate, now: now)) old; the current list could not be fetched: \(reason)")
    }

    func read() -> String? {
        try? String(contentsOfFile: path, encoding: .utf8)
    }

    /// "3 days", "5 hours", "12 minutes": how old a list of `listDate` is, for the person reading `--verify`.
    static func age(of listDate: Date, now: Date) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(listDate)))
        let (count, unit) = seconds >= 86_400 ? (seconds / 86_400, "day") : seconds >= 3_600 ? (seconds / 3_600, "hour")
            : (seconds / 60, "minute")
        return "\(count) \(unit)\(count == 1 ? "" : "s")"
    }
}
