import Fluent
import HeraldCore
import MIME
import Vapor

/// `/api/v1/license-keys...` for administrators' scripts (Bearer token). The real key is never in a response.
struct LicenseAPIController {
    struct LicenseKeyDTO: Content {
        let id: UUID
        let name: String
        let product: String
        let seats: Int
        let usedSeats: Int
        let expiresAt: Date?
        let downloads: [String: String]
        let seatMode: SeatMode
        let leaseWindowDays: Int?
        let deactivationsPerMonth: Int
        let overagePercent: Int
        /// Installations that may hold a seat at once: the seats plus the overage.
        let seatAllowance: Int
    }

    /// The seat policy fields of `PUT .../seat-policy` and of a new key. A number that is not a whole number in Int's
    /// range (a fraction, an exponent, 10^21, a string) is read as out of range, so that the validator names every
    /// bad field at once in its own words, where a plain `Int` made the whole body "not valid JSON".
    struct SeatPolicyBody: Decodable {
        var seatMode: String?
        var leaseWindowDays: Int?
        var deactivationsPerMonth: Int?
        var overagePercent: Int?

        enum CodingKeys: String, CodingKey { case seatMode, leaseWindowDays, deactivationsPerMonth, overagePercent }

        init(from decoder: any Decoder) throws {
            let fields = try decoder.container(keyedBy: CodingKeys.self)
            func number(_ key: CodingKeys) -> Int? {
                guard fields.contains(key), (try? fields.decodeNil(forKey: key)) != true else { return nil }
                return (try? fields.decode(Int.self, forKey: key)) ?? -1
            }
            seatMode = try fields.decodeIfPresent(String.self, forKey: .seatMode)
            leaseWindowDays = number(.leaseWindowDays)
            deactivationsPerMonth = number(.deactivationsPerMonth)
            overagePercent = number(.overagePercent)
        }

        var input: SeatPolicyInput {
            SeatPolicyInput(seatMode: seatMode, leaseWindowDays: leaseWindowDays, deactivationsPerMonth: deactivationsPerMonth,
                            overagePercent: overagePercent)
        }
    }

    struct CreateLicenseKey: Content {
        var name: String?
        var product: String?
        var seats: Int?
        var expires: String?
        var key: String?
        var downloads: [String: String]?
    }

    struct InviteBody: Content {
        var emails: [String]?
        /// Directory group ids or names, expanded to their enabled people.
        var groups: [String]?
        var language: String?
        var expires: String?
    }

    struct InvitationDTO: Content {
        let email: String
        let activationCode: String
        let downloadURL: String
        let expiresAt: String
        let status: String
        /// The directory group that reached the address, when it was not typed.
        var group: String? = nil
    }

    struct InviteResponse: Content {
        let batchID: UUID
        let count: Int
        let freeSeats: Int
        /// Earlier invitations of the key still pending: they compete with these for the free seats.
        let pendingInvitations: Int
        let warning: String?
        let invitations: [InvitationDTO]
        /// Addresses not invited again, each with the reason (a pending invitation of this key exists).
        let skipped: [PendingInstallInvitations.Skipped]
    }

    struct InstallationDTO: Content {
        let id: UUID
        let computerName: String
        let operatingSystem: String
        let serialNumber: String?
        let macAddress: String?
        let fingerprint: String
        let status: InstallationStatus
        let activatedAt: Date
        let deactivatedAt: Date?
        let lastSeenAt: Date?
        let invitationEmail: String?
        let certificateSerial: String
        /// Holds a seat beyond the key's count, admitted by its overage.
        let excess: Bool
    }

    func list(_ req: Request) async throws -> [LicenseKeyDTO] {
        let keys = try await LicenseKey.query(on: req.db).filter(\.$organization.$id == req.api.organizationID).sort(\.$name).all()
        let used = try await LicenseKeyStore.usedSeats(keyIDs: keys.map { try $0.requireID() }, on: req.db)
        return try keys.map { try Self.dto($0, used: used[try $0.requireID()] ?? 0) }
    }

    func create(_ req: Request) async throws -> Response {
        let context = try req.api
        let body = try req.content.decode(CreateLicenseKey.self)
        var input = LicenseKeyInput(name: body.name ?? "", product: body.product ?? "", seats: body.seats, expires: body.expires,
                                    secret: body.key, downloads: body.downloads ?? [:])
        // The same body read again for its seat policy fields.
        input.seatPolicy = try req.content.decode(SeatPolicyBody.self).input
        let key = try await LicenseKeyStore.create(try input.validate().get(), organizationID: context.organizationID,
                                                   actor: context.actor, secretBox: req.herald.secretBox, on: req.db)
        return try await Self.dto(key, used: 0).encodeResponse(status: .created, for: req)
    }

    /// `PUT .../seat-policy`: node-locked or leased, the heartbeat window, the limit on deactivations from the client.
    func setSeatPolicy(_ req: Request) async throws -> LicenseKeyDTO {
        let key = try await Self.ownKey(req)
        let body = try req.content.decode(SeatPolicyBody.self)
        let policy = try body.input.validate(current: key).get()
        let keyID = try key.requireID()
        let changed = try await SeatPolicyInput.apply(policy, to: keyID, actor: req.api.actor, seatLock: req.herald.seatLock,
                                                      now: req.herald.clock.now, on: req.db)
        return try Self.dto(changed, used: try await LicenseKeyStore.usedSeats(keyID: keyID, on: req.db))
    }

    /// Sends install invitations; the response is the only place besides the CSV export that shows the codes.
    func invite(_ req: Request) async throws -> Response {
        let context = try req.api
        let key = try await Self.ownKey(req)
        let body = try req.content.decode(InviteBody.self)
        var problems: [String] = []
        var addresses: [EmailAddress] = []
        var seen: [String: Int] = [:]
        for (index, email) in (body.emails ?? []).enumerated() {
            do {
                let address = try EmailAddress(email.trimmingCharacters(in: .whitespaces))
                if let first = seen[address.description.lowercased()] {
                    problems.append("emails[\(index)]: '\(email)' is a duplicate of emails[\(first)]")
                } else {
                    seen[address.description.lowercased()] = index
                    addresses.append(address)
                }
            } catch {
                problems.append("emails[\(index)]: \(error)")
            }
        }
        let groups = try await GroupRecipients.resolve(body.groups, organizationID: context.organizationID, on: req.db).excluding(addresses)
        addresses += groups.recipients.map(\.address)
        if addresses.isEmpty && problems.isEmpty {
            problems.append((body.groups ?? []).isEmpty ? "emails: at least one email address is required" : "groups: the chosen groups reach nobody enabled")
        }
        let language = Language(code: body.language ?? "en")
        if language == nil { problems.append("language: '\(body.language ?? "")' is not one of \(Language.allCases.map(\.rawValue).joined(separator: ", "))") }
        var expiresAt = Date()
        do { expiresAt = try InvitationExpiry.parse(body.expires) } catch { problems += error.problems }
        guard problems.isEmpty, let language else { throw ValidationProblems(problems) }

        let result = try await InstallInvitationBatch.send(.init(
            keyID: try key.requireID(), recipients: addresses, language: language, expiresAt: expiresAt,
            inviterID: context.account.id, actor: context.actor
        ), mailer: req.herald.mailer, secrets: req.herald.installInvitationSecrets,
           turns: req.herald.installInvitationTurns, on: req.db)
        req.herald.mailer.wakeDelivery()
        let rows = try await InstallInvitationExport.rows(batchID: result.batchID, organizationID: context.organizationID,
                                                          limit: max(1, addresses.count), secrets: req.herald.installInvitationSecrets, on: req.db)
        let forecast = try await SeatForecast.after(result, key: key, on: req.db)
        let origins = Dictionary(groups.origins.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        return try await InviteResponse(
            batchID: result.batchID, count: result.count, freeSeats: forecast.free, pendingInvitations: forecast.pending,
            warning: forecast.warning(req.herald.catalog, .en),
            invitations: rows.map { InvitationDTO(email: $0.email, activationCode: $0.activationCode, downloadURL: $0.downloadURL, expiresAt: $0.expires,
                                                  status: $0.status, group: origins[$0.email.lowercased()]) },
            skipped: result.skipped
        ).encodeResponse(status: .created, for: req)
    }

    /// A page of the key's installations, newest first (`?cursor=`, `?limit=` up to 1,000, default 100; `Link` names
    /// the next and previous pages); `?status=` filters.
    func installations(_ req: Request) async throws -> Response {
        let key = try await Self.ownKey(req)
        let filter = try InstallationList(req)
        let list = try ListRequest(req, defaultLimit: APIController.defaultListLimit)
        let page = try await list.page(filter.query(keyID: try key.requireID(), on: req.db), InstallationList.newestFirst)
        return try await list.response(page, for: req) {
            InstallationDTO(id: try $0.requireID(), computerName: $0.computerName, operatingSystem: $0.operatingSystem, serialNumber: $0.serialNumber,
                            macAddress: $0.macAddress, fingerprint: $0.fingerprint, status: $0.status, activatedAt: $0.activatedAt,
                            deactivatedAt: $0.deactivatedAt, lastSeenAt: $0.lastSeenAt, invitationEmail: $0.invitation?.email, certificateSerial: $0.certificateSerial,
                            excess: $0.excess)
        }
    }

    /// `GET .../installations/export.csv`: the (filtered) installations in full, streamed.
    func exportInstallations(_ req: Request) async throws -> Response {
        let key = try await Self.ownKey(req)
        return try InstallationList(req).export(keyID: try key.requireID())
            .response(for: req, filename: "installations-\(CSVDownload.slug(key.name)).csv")
    }

    /// `POST .../installations/:installationID/deactivate` and `.../block`.
    func installationAction(_ req: Request) async throws -> HTTPStatus {
        let key = try await Self.ownKey(req)
        guard let installationID = req.parameters.get("installationID", as: UUID.self),
              let action = req.parameters.get("action").flatMap(InstallationActions.Action.init(rawValue:))
        else { throw Abort(.notFound, reason: "installation: not found") }
        _ = try await InstallationActions.apply(action, installationID: installationID, keyID: try key.requireID(), actor: req.api.actor,
                                           seatLock: req.herald.seatLock, on: req.db)
        return .noContent
    }

    private static func ownKey(_ req: Request) async throws -> LicenseKey {
        guard let id = req.parameters.get("keyID", as: UUID.self),
              let key = try await LicenseKey.query(on: req.db).filter(\.$id == id)
                .filter(\.$organization.$id == req.api.organizationID).first()
        else { throw Abort(.notFound, reason: "license key: not found in this organization") }
        return key
    }

    private static func dto(_ key: LicenseKey, used: Int) throws -> LicenseKeyDTO {
        LicenseKeyDTO(id: try key.requireID(), name: key.name, product: key.product, seats: key.seats, usedSeats: used,
                      expiresAt: key.expiresAt, downloads: LicenseKeyStore.downloads(of: key), seatMode: key.seatMode,
                      leaseWindowDays: key.leaseWindow, deactivationsPerMonth: key.deactivationsPerMonth,
                      overagePercent: key.overagePercent, seatAllowance: key.seatPolicy.allowance(seats: key.seats))
    }
}
