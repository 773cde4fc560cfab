import HeraldCore
import Testing

@Suite("LDAP attribute mapping")
struct LDAPAttributeMappingTests {
    @Test("Active Directory: disabled by the ACCOUNTDISABLE bit of userAccountControl, whatever the other bits")
    func activeDirectoryDisabledBit() {
        let mapping = LDAPAttributeMapping.preset(.activeDirectory)
        #expect(mapping.isDisabled(values: ["514"]))        // NORMAL_ACCOUNT | ACCOUNTDISABLE
        #expect(mapping.isDisabled(values: ["66050"]))      // ... | DONT_EXPIRE_PASSWORD
        #expect(!mapping.isDisabled(values: ["512"]))
        #expect(!mapping.isDisabled(values: ["66048"]))
        #expect(!mapping.isDisabled(values: []), "no value: not disabled")
        #expect(!mapping.isDisabled(values: ["garbage"]), "an unreadable value does not disable anyone")
        #expect(mapping.userAttributes.contains("userAccountControl") && mapping.userAttributes.contains("objectGUID"))
    }

    @Test("OpenLDAP: disabled when the named attribute holds the value, case-insensitively; never when no rule")
    func openLDAPAttributeRule() {
        var mapping = LDAPAttributeMapping.preset(.openLDAP)
        #expect(mapping.isDisabled(values: ["Disabled"]))
        #expect(!mapping.isDisabled(values: ["contractor"]))
        #expect(mapping.disabledAttribute == "employeeType")
        mapping.disabled = .never
        #expect(!mapping.isDisabled(values: ["disabled"]))
        #expect(mapping.disabledAttribute == nil)
    }

    @Test("the attributes asked for are each named once, whatever the case the administrator typed")
    func attributesOnce() {
        var mapping = LDAPAttributeMapping.preset(.openLDAP)
        mapping.name = "CN"
        let lowered = mapping.userAttributes.map { $0.lowercased() }
        #expect(Set(lowered).count == lowered.count)
    }
}
