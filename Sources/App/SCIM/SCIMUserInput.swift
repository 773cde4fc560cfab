import HeraldCore
import MIME
import Vapor

/// A User resource as Herald keeps it, read from a POST or PUT body, or from a patched representation.
struct SCIMUserInput {
    var userName: String
    var email: String
    var emailType: String?
    var emailPrimary: Bool?
    var active: Bool
    var externalID: String?
    var displayName: String?
    var givenName: String?
    var familyName: String?
    var employeeNumber: String?
    var department: String?
    var manager: String?

    init(_ json: JSONValue) throws {
        userName = try SCIMText.required(json["userName"], "userName").lowercased()
        active = try SCIMText.boolean(json["active"], "active", default: true)
        externalID = try SCIMText.optional(json["externalId"], "externalId")
        displayName = try SCIMText.optional(json["displayName"], "displayName", maxLength: DirectoryUserCSV.maxNameLength)
        let name = json["name"]
        if let name, name.objectValue == nil, !name.isNull { throw SCIMError.invalidValue("name: must be an object") }
        givenName = try SCIMText.optional(name?["givenName"], "name.givenName")
        familyName = try SCIMText.optional(name?["familyName"], "name.familyName")
        let primary = try Self.primaryEmail(json["emails"], userName: userName)
        email = primary.address
        emailType = primary.type
        emailPrimary = primary.primary
        let enterprise = json[SCIMSchemas.enterpriseUser]
        employeeNumber = try SCIMText.optional(enterprise?["employeeNumber"], "employeeNumber")
        department = try SCIMText.optional(enterprise?["department"], "department")
        // Entra ID sends the manager as a bare id; RFC 7643 as {"value": id}.
        let manager = enterprise?["manager"]
        self.manager = try SCIMText.optional(manager?.objectValue != nil ? manager?["value"] : manager, "manager")
    }

    /// The address Herald keeps: the primary one, else the work one, else the first; else the user name when it
    /// is an address (Entra ID's userPrincipalName usually is).
    private static func primaryEmail(_ emails: JSONValue?, userName: String) throws -> (address: String, type: String?, primary: Bool?) {
        if let emails, emails.arrayValue == nil, !emails.isNull { throw SCIMError.invalidValue("emails: must be a list") }
        let list = emails?.arrayValue ?? []
        guard list.count <= 20 else { throw SCIMError.invalidValue("emails: at most 20 addresses") }
        let chosen = list.first { (try? SCIMText.boolean($0["primary"], "primary", default: false)) == true }
            ?? list.first { $0["type"]?.stringValue?.lowercased() == "work" } ?? list.first
        guard let chosen else {
            guard let address = try? EmailAddress(userName) else { throw SCIMError.invalidValue("emails: give the user's email address") }
            return (address.normalized, nil, nil)
        }
        let text = try SCIMText.required(chosen["value"], "emails.value")
        do {
            let flag = chosen["primary"]
            let primary: Bool? = flag == nil || flag == .null ? nil : try SCIMText.boolean(flag, "emails.primary", default: false)
            return (try EmailAddress(text).normalized, try SCIMText.optional(chosen["type"], "emails.type", maxLength: 40), primary)
        } catch let error as SCIMError { throw error } catch {
            throw SCIMError.invalidValue("emails.value: '\(text.prefix(100))' is not an email address")
        }
    }

    /// What the console shows: the display name, else given and family name, else the user name.
    var consoleName: String {
        let full = [givenName, familyName].compactMap { $0 }.joined(separator: " ")
        return String((displayName ?? (full.isEmpty ? userName : full)).prefix(DirectoryUserCSV.maxNameLength))
    }

    func apply(to user: DirectoryUser) {
        user.userName = userName
        user.email = email
        user.emailType = emailType
        user.emailPrimary = emailPrimary
        user.enabled = active
        user.externalID = externalID
        user.displayName = displayName
        user.givenName = givenName
        user.familyName = familyName
        user.employeeNumber = employeeNumber
        user.department = department
        user.manager = manager
        user.name = consoleName
        user.source = .scim
    }
}
