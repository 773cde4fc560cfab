import Vapor

/// Directory users and groups, and CSV import.
func registerDirectoryRoutes(_ groups: RouteGroups) {
    let apiController = APIController()
    let directory = DirectoryController()
    let directoryGroups = DirectoryGroupsController()
    let source = DirectorySourceController()
    let admin = groups.admin.grouped("directory")
    admin.get(use: directory.show)
    admin.post("users", use: directory.createUser)
    admin.confirmed("users", ":id", "delete", section: .directory,
                    describe: DirectoryConfirmations.describeUserRemoval, perform: directory.deleteUser)
    admin.get("users", "export.csv", use: directory.exportUsers)
    admin.post("users", ":id", ":action", use: directory.userAction)
    admin.post("import", use: directory.importUsers)
    admin.get("import", ":id", use: directory.importProgress)
    admin.post("groups", use: directoryGroups.create)
    admin.get("groups", ":id", use: directoryGroups.show)
    admin.post("groups", ":id", "members", use: directoryGroups.addMember)
    admin.confirmed("groups", ":id", "members", "remove", section: .directory,
                    describe: DirectoryConfirmations.describeMemberRemoval, perform: directoryGroups.removeMember)
    admin.confirmed("groups", ":id", "delete", section: .directory,
                    describe: DirectoryConfirmations.describeGroupDeletion, perform: directoryGroups.delete)
    admin.post("settings", use: source.saveSettings)
    admin.post("scim-tokens", use: source.createToken)
    admin.confirmed("scim-tokens", ":id", "revoke", section: .directory,
                    describe: DirectorySourceController.describeRevoke, perform: source.revokeToken)
    let api = groups.api.grouped("directory")
    api.get("users", use: apiController.directoryUsers)
    api.get("users", "export.csv", use: apiController.exportDirectoryUsers)
    api.post("users", use: apiController.createDirectoryUser)
    api.post("users", "import", use: apiController.importDirectoryUsers)
    api.get("import-jobs", ":id", use: apiController.directoryImportJob)
    api.patch("users", ":id", use: apiController.updateDirectoryUser)
    api.delete("users", ":id", use: apiController.deleteDirectoryUser)
    api.get("groups", use: apiController.directoryGroups)
    api.post("groups", use: apiController.createDirectoryGroup)
    api.delete("groups", ":id", use: apiController.deleteDirectoryGroup)
    api.post("groups", ":id", "members", use: apiController.addDirectoryMember)
    api.delete("groups", ":id", "members", use: apiController.removeDirectoryMember)
}
