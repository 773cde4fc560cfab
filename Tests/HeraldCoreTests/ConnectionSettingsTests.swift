import HeraldCore
import Testing

@Suite("Connection settings: addresses, ports, modes, credential provider GUIDs, launch links")
struct ConnectionSettingsTests {
    @Test("public addresses: FQDNs and IP addresses pass", arguments: ["gw.example.com", "GW.Example.COM.", "10.0.0.1", "2001:db8::1", "[2001:db8::1]", "xn--bcher-kva.example"])
    func goodAddresses(address: String) {
        #expect((try? HostAddress.parse(address).get()) != nil)
    }

    @Test("public addresses: bad ones are refused naming the server field", arguments: ["", "gateway", "10.0.0.256", "01.2.3.4", "-gw.example.com", "gw_1.example.com", "gw..example.com", "http://gw.example.com", "2001:db8:::1"])
    func badAddresses(address: String) {
        guard case .failure(let problem) = HostAddress.parse(address) else { Issue.record("\(address) was accepted"); return }
        #expect(problem.field == "server")
    }

    @Test("every problem of the connection step at once, each naming its field")
    func everyProblemAtOnce() {
        // given
        let input = ConnectionSettings.Input(deviceTypes: ["windows", "toaster"], server: "nope", port: "70000", mode: "ssl", authentication: "magic", credentialProvider: "not-a-guid")
        // when
        guard case .failure(let problems) = ConnectionSettings.validate(input) else { Issue.record("accepted"); return }
        // then
        #expect(problems.map(\.field) == ["device_types", "server", "port", "connection_mode", "authentication", "credential_provider"])
    }

    @Test("at least one device type is required")
    func deviceTypeRequired() {
        guard case .failure(let problems) = ConnectionSettings.validate(.init(deviceTypes: [], server: "gw.example.com")) else { Issue.record("accepted"); return }
        #expect(problems.map(\.description) == ["device_types: choose at least one device type"])
    }

    @Test("credential provider GUIDs are normalised to braces and upper case")
    func guid() {
        #expect(CredentialProviderID.normalize("25cbb996-92ed-457e-b28c-4774084bd562") == "{25CBB996-92ED-457E-B28C-4774084BD562}")
        #expect(CredentialProviderID.normalize("{25CBB996-92ED-457E-B28C-4774084BD562}") == "{25CBB996-92ED-457E-B28C-4774084BD562}")
        #expect(CredentialProviderID.normalize("25CBB996-92ED-457E-B28C-4774084BD56") == nil)
        #expect(CredentialProviderID.normalize("{25CBB996-92ED-457E-B28C-4774084BD56Z}") == nil)
    }

    @Test("the launch link encodes the connection mode number", arguments: zip(["gateway", "direct", "gateway-ssl", "direct-ssl"], [0, 1, 2, 3]))
    func launchLink(mode: String, number: Int) throws {
        // given
        let settings = try ConnectionSettings.validate(.init(deviceTypes: ["ios", "Windows"], server: "gw.example.com", port: "8443", mode: mode)).get()
        // when
        let link = ClientLaunchLink.url(scheme: "tuxclient", settings: settings)
        // then
        #expect(link == "tuxclient:///?Command=LaunchApp&ConnMode=\(number)&Server=gw.example.com&Port=8443")
        #expect(settings.deviceTypes == [.windows, .ios])
    }

    @Test("URL schemes that a mail reader would open as a page or script are refused")
    func schemes() {
        var downloads = ClientDownloads.standard
        downloads.urlScheme = "javascript"
        #expect(downloads.problems().map(\.field) == ["url_scheme"])
        downloads.urlScheme = "my-client+v2"
        #expect(downloads.problems().isEmpty)
        downloads.links[.ios] = "ftp://example.com/app"
        #expect(downloads.problems().map(\.field) == ["download_ios"])
    }
}
