/// One PatchOp operation (RFC 7644 §3.5.2). `op` is read without case: Entra ID sends "Replace".
public struct SCIMPatchOperation: Sendable, Equatable {
    public enum Kind: String, Sendable { case add, replace, remove }

    public var kind: Kind
    public var path: String?
    public var value: JSONValue?

    public init(kind: Kind, path: String? = nil, value: JSONValue? = nil) {
        self.kind = kind
        self.path = path
        self.value = value
    }
}

/// A refused operation, with the SCIM error type it answers (`invalidPath`, `noTarget`, `invalidValue`, `mutability`).
public struct SCIMPatchError: Error, Equatable, CustomStringConvertible {
    public let scimType: String
    public let description: String

    public init(_ scimType: String, _ description: String) {
        self.scimType = scimType
        self.description = description
    }
}

/// Applies PatchOp operations to a resource as JSON. The caller then reads the result as a full replacement, so
/// PATCH and PUT share one validation and one write.
public struct SCIMPatcher: Sendable {
    /// The resource's core schema first, then its extensions.
    public let schemas: [String]
    /// Lower-cased names of the multi-valued attributes (`emails`, `members`).
    public let multiValued: Set<String>
    /// Lower-cased names a client may not set (`id`, `meta`): ignored inside a value, refused as a path.
    public let readOnly: Set<String>

    public static let maxOperations = 1_000

    public init(schemas: [String], multiValued: Set<String>, readOnly: Set<String> = ["id", "meta", "schemas"]) {
        self.schemas = schemas
        self.multiValued = multiValued
        self.readOnly = readOnly
    }

    public func apply(_ operations: [SCIMPatchOperation], to resource: JSONValue) throws(SCIMPatchError) -> JSONValue {
        guard operations.count <= Self.maxOperations else { throw SCIMPatchError("tooMany", "Operations: at most \(Self.maxOperations) in one request") }
        guard var object = resource.objectValue else { throw SCIMPatchError("invalidSyntax", "the resource is not an object") }
        do {
            for operation in operations { try apply(operation, to: &object) }
        } catch let error as SCIMPatchError {
            throw error
        } catch {
            throw SCIMPatchError("invalidSyntax", "\(error)")
        }
        return .object(object)
    }

    private func apply(_ operation: SCIMPatchOperation, to object: inout [String: JSONValue]) throws {
        guard let path = operation.path?.trimmingCharacters(in: .whitespaces), !path.isEmpty else {
            guard operation.kind != .remove else { throw SCIMPatchError("noTarget", "path: a remove operation must name its target") }
            guard let members = operation.value?.objectValue else {
                throw SCIMPatchError("invalidValue", "value: an operation without a path takes an object of attributes")
            }
            for (key, value) in members.sorted(by: { $0.key < $1.key }) where !readOnly.contains(key.lowercased()) {
                try apply(SCIMPatchOperation(kind: operation.kind, path: key, value: value), to: &object)
            }
            return
        }
        let target = try SCIMPatchTarget.parse(path, schemas: schemas)
        if target.extensionSchema == nil, readOnly.contains(target.name.lowercased()) {
            throw SCIMPatchError("mutability", "path: '\(target.name)' is read-only")
        }
        if operation.kind != .remove, operation.value == nil {
            throw SCIMPatchError("invalidValue", "value: \(operation.kind.rawValue) needs a value")
        }
        try withContainer(of: target, in: &object, create: operation.kind != .remove) { container in
            try SCIMPatchStep(operation: operation, target: target, multiValued: isMultiValued(target)).run(on: &container)
        }
    }

    private func isMultiValued(_ target: SCIMPatchTarget) -> Bool {
        target.extensionSchema == nil && multiValued.contains(target.name.lowercased())
    }

    /// Runs `body` on the object holding the target: the resource itself, or the extension's object. An extension
    /// named as a whole is a complex attribute of the resource, keyed by its URN.
    private func withContainer(of target: SCIMPatchTarget, in object: inout [String: JSONValue], create: Bool,
                               _ body: (inout [String: JSONValue]) throws -> Void) throws {
        guard let schema = target.extensionSchema, target.name != schema else {
            try body(&object)
            return
        }
        guard var container = object[ignoringCase: schema]?.objectValue ?? (create ? [:] : nil) else { return }
        try body(&container)
        object[ignoringCase: schema] = container.isEmpty ? nil : .object(container)
    }
}
