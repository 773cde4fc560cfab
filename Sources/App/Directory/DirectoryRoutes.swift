import Vapor

/// Directory users and groups, and CSV import.
func registerDirectoryRoutes(_ groups: RouteGroups) {
    let admin = groups.admin.grouped("directory")
    admin.get(use: DirectoryController.show)
    admin.post("users", use: DirectoryController.createUser)
    admin.post("users", ":id", ":action", use: DirectoryController.userAction)
    admin.post("import", use: DirectoryController.importUsers)
    admin.get("import", ":id", use: DirectoryController.importProgress)
    admin.post("groups", use: DirectoryGroupsController.create)
    admin.get("groups", ":id", use: DirectoryGroupsController.show)
    admin.post("groups", ":id", "members", use: DirectoryGroupsController.addMember)
    admin.post("groups", ":id", "members", "remove", use: DirectoryGroupsController.removeMember)
    admin.post("groups", ":id", "delete", use: DirectoryGroupsController.delete)
    let api = groups.api.grouped("directory")
    api.get("users", use: APIController.directoryUsers)
    api.post("users", use: APIController.createDirectoryUser)
    api.post("users", "import", use: APIController.importDirectoryUsers)
    api.get("import-jobs", ":id", use: APIController.directoryImportJob)
    api.patch("users", ":id", use: APIController.updateDirectoryUser)
    api.delete("users", ":id", use: APIController.deleteDirectoryUser)
    api.get("groups", use: APIController.directoryGroups)
    api.post("groups", use: APIController.createDirectoryGroup)
    api.delete("groups", ":id", use: APIController.deleteDirectoryGroup)
    api.post("groups", ":id", "members", use: APIController.addDirectoryMember)
    api.delete("groups", ":id", "members", use: APIController.removeDirectoryMember)
}
