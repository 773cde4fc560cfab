import Foundation
import HeraldCore

/// What `dashboard.leaf` shows, built from `DashboardStats`: figures as text, charts as finished SVG.
struct DashboardPage: Encodable {
    struct Cell: Encodable { let kind: InvitationKind; let value: Int }
    struct StageRow: Encodable { let stage: String; let label: String; let cells: [Cell] }
    struct Funnel: Encodable { let kind: InvitationKind; let title: String; let svg: String }
    struct KeyRow: Encodable {
        let name: String, product: String, seats: Int, used: Int, invited: Int, free: Int
        let level: String, attention: Bool, note: String?, svg: String
    }
    struct DeferredRow: Encodable { let to: String, subject: String, attempts: Int, nextAttempt: String, lastError: String? }
    struct BatchRow: Encodable { let id: String, started: String, total: Int, sent: Int, failed: Int, waiting: Int, settled: Int }

    let stageRows: [StageRow]
    let funnels: [Funnel]
    let dailySVG: String
    let days: [DailyInvitations.Day]
    let sentInPeriod: Int
    let acceptedInPeriod: Int
    let keys: [KeyRow]
    let delivery: DeliveryHealth
    let isSending: Bool
    let nextAttempt: String?
    let deferredRows: [DeferredRow]
    let batches: [BatchRow]
    let recentEvents: [AuditController.Row]
    let generatedAt: String
    /// Set when the organization's daily mail quota is used up (`MailQuota`).
    var mailQuotaNote: String?

    /// The funnel's stages, in order, with the label the table shows.
    static let stages: [(key: String, label: String, value: KeyPath<InvitationFunnel.Row, Int>)] = [
        ("invited", "Invited", \.invited), ("delivered", "Delivered", \.delivered), ("failed", "Delivery failed", \.failed),
        ("bounced", "Bounced", \.bounced),
        ("opened", "Opened the link", \.opened), ("accepted", "Accepted (joined, activated)", \.accepted),
        ("pending", "Pending", \.pending), ("expired", "Expired", \.expired), ("revoked", "Revoked", \.revoked),
    ]

    init(_ stats: DashboardStats, recentEvents: [AuditController.Row]) {
        stageRows = Self.stages.map { stage in
            StageRow(stage: stage.key, label: stage.label, cells: stats.invitations.map { Cell(kind: $0.kind, value: $0[keyPath: stage.value]) })
        }
        funnels = stats.invitations.map { row in
            Funnel(kind: row.kind, title: row.title, svg: FunnelChart(title: row.title, stages: row.stages).svg(id: "funnel-\(row.kind.rawValue)"))
        }
        let chartDays = stats.invitationsPerDay.map { DailyChart.Day(label: String($0.date.suffix(5)), sent: $0.sent, accepted: $0.accepted) }
        dailySVG = DailyChart(title: "Invitations sent and accepted per day, last \(chartDays.count) days (UTC)", days: chartDays).svg(id: "per-day-chart")
        days = stats.invitationsPerDay
        sentInPeriod = days.reduce(0) { $0 + $1.sent }
        acceptedInPeriod = days.reduce(0) { $0 + $1.accepted }
        keys = stats.licenseKeys.map { key in
            let usage = key.usage
            return KeyRow(name: key.name, product: key.product, seats: key.seats, used: key.used, invited: key.invited, free: key.free,
                          level: key.level, attention: key.needsAttention, note: Self.note(usage),
                          svg: SeatBar(keyName: key.name, usage: usage).svg(id: "seats-\(key.id.uuidString)"))
        }
        delivery = stats.delivery
        isSending = stats.delivery.isSending
        nextAttempt = stats.delivery.nextAttemptAt.map(DisplayDate.format)
        deferredRows = stats.delivery.deferredMessages.map {
            DeferredRow(to: $0.to, subject: $0.subject, attempts: $0.attempts, nextAttempt: DisplayDate.format($0.nextAttemptAt), lastError: $0.lastError)
        }
        batches = stats.delivery.batches.map {
            BatchRow(id: String($0.id.uuidString.prefix(8)).lowercased(), started: DisplayDate.format($0.startedAt), total: $0.total,
                     sent: $0.sent, failed: $0.failed, waiting: $0.waiting, settled: $0.sent + $0.failed)
        }
        self.recentEvents = recentEvents
        generatedAt = DisplayDate.format(stats.generatedAt)
    }

    /// Said in words as well as colour, so the highlight reaches everyone.
    static func note(_ usage: SeatUsage) -> String? {
        var parts: [String] = []
        switch usage.level {
        case .full: parts.append("All seats used")
        case .nearLimit: parts.append("Near its limit")
        case .ok: break
        }
        if usage.shortfall > 0 { parts.append("\(usage.shortfall) invited without a free seat") }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}
