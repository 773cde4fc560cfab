import Foundation
import HeraldCore

/// What sending and exporting install invitations use besides the database: the box that seals each person's
/// activation code and link token into the invitation's payload, and the public URL their download links start with.
package struct InstallInvitationSecrets: Sendable {
    let box: SecretBox
    let publicURL: URL
}
