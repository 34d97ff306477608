import Foundation
import OrchCatalog
import OrchTestSupport
import Testing

/// git-orch's schema validator must agree with a validator nobody here wrote: Python's
/// `jsonschema` (installed by ./install.sh --test-deps), on every shipped manifest and on broken
/// variants of one.
@Suite struct SchemaCrossCheckTests {
    static let needs = [TestDependency.pythonModule("jsonschema")]

    @Test(.enabled(if: TestDependency.runnable(SchemaCrossCheckTests.needs), Comment(rawValue: TestDependency.reason(SchemaCrossCheckTests.needs))))
    func agreesWithPythonJSONSchema() throws {
        try TestDependency.require(Self.needs)
        let schemaPath = packageRoot + "/Skills/schema/skill.schema.json"
        let schema = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: schemaPath)))
        let validator = SchemaValidator(schema: schema)
        let folder = TemporaryDirectory("git-orch-schema")
        var documents: [String] = []
        let manifests = (FileManager.default.subpaths(atPath: packageRoot + "/Skills") ?? []).filter { $0.hasSuffix(".skill.json") }.sorted()
        for path in manifests { documents.append(try String(contentsOfFile: packageRoot + "/Skills/" + path, encoding: .utf8)) }
        let sample = try #require(documents.first)
        // Broken variants: each breaks one rule of the schema.
        documents += [
            sample.replacingOccurrences(of: "\"version\": \"", with: "\"version\": \"v"),
            sample.replacingOccurrences(of: "\"idempotent\": ", with: "\"idempotent\": \"yes\", \"x\": "),
            sample.replacingOccurrences(of: "\"category\": \"", with: "\"category\": \"astrology"),
            sample.replacingOccurrences(of: "\"tags\": [", with: "\"tags\": [], \"old\": ["),
            "{\"id\": \"UPPER\"}",
        ]
        var lines: [String] = []
        for (index, document) in documents.enumerated() {
            let file = folder.file("\(index).json")
            try document.write(toFile: file, atomically: true, encoding: .utf8)
            let ours = (try? JSONValue.parse(Data(document.utf8))).map { validator.validate($0).isEmpty } ?? false
            lines.append("\(file)\t\(ours)")
        }
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            for line in sys.stdin.read().splitlines():
                path, ours = line.split("\\t")
                try:
                    jsonschema.validate(json.load(open(path)), schema); theirs = True
                except (jsonschema.ValidationError, json.JSONDecodeError):
                    theirs = False
                print(path, ours == str(theirs).lower(), theirs)
            """
        let result = try Run.process("/usr/bin/env", ["python3", "-c", script, schemaPath], in: folder.path, input: Data(lines.joined(separator: "\n").utf8))
        try #require(result.status == 0, "python3 jsonschema failed: \(result.stderr)")
        let verdicts = result.stdoutLines
        #expect(verdicts.count == documents.count)
        for verdict in verdicts { #expect(verdict.contains(" True "), "disagreement: \(verdict)") }
        // The shipped manifests are valid for both, the broken ones for neither.
        #expect(verdicts.prefix(manifests.count).allSatisfy { $0.hasSuffix("True True") })
        #expect(verdicts.suffix(5).allSatisfy { $0.hasSuffix("True False") })
    }
}
