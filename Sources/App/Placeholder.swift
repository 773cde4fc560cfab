public enum HeraldMain { public static func run() async throws {} }
