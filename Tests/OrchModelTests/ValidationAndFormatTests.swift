import OrchModel
import Testing

@Suite struct ValidationAndFormatTests {
    @Test(arguments: [
        ("", "title must not be empty"),
        ("   ", "title must not be empty"),
        ("bad\u{1b}[31m", "title contains control character U+1B"),
        ("two\nlines", "title contains control character U+A"),
        (String(repeating: "x", count: 1_000_000), "title is 1000000 bytes; at most 1000 are allowed"),
    ])
    func badTitlesAreRefusedWithTheField(title: String, message: String) {
        var graph = TaskGraph()
        let bad = Task(id: TaskID(value: 1), title: title, created: now)
        #expect(throws: GraphError.invalidField("title", String(message.dropFirst(6)))) { try graph.apply(.add([bad]), at: now) }
        #expect(graph.count == 0)
    }

    @Test func namesThatBecomeRefsAreChecked() {
        for good in ["indigo", "worker-1", "a.b_c"] { #expect(throws: Never.self) { try FieldRules.validateWorkerName(good) } }
        for bad in ["", "-x", ".x", "a..b", "x.lock", "a b", "a;rm -rf", "$(id)", "a/b", String(repeating: "w", count: 65)] {
            #expect(throws: GraphError.self) { try FieldRules.validateWorkerName(bad) }
        }
        #expect(throws: GraphError.self) { try FieldRules.validateRole("Backend Dev") }
        #expect(throws: Never.self) { try FieldRules.validateRole("backend-dev") }
    }

    @Test func timestampsRoundTripThroughISO8601() {
        let stamp = Timestamp(microseconds: 1_795_603_407_123_456)
        #expect(stamp.iso8601 == "2026-11-25T10:43:27.123456Z")
        #expect(Timestamp(iso8601: stamp.iso8601) == stamp)
        #expect(Timestamp(iso8601: "2026-11-25T10:43:27Z") == Timestamp(microseconds: 1_795_603_407_000_000))
        #expect(Timestamp(iso8601: "1969-12-31T23:59:59.500000Z") == Timestamp(microseconds: -500_000))
        #expect(Timestamp(microseconds: -500_000).iso8601 == "1969-12-31T23:59:59.500000Z")
        #expect(Timestamp(iso8601: "2026-13-01T00:00:00Z") == nil)
        #expect(Timestamp(iso8601: "yesterday") == nil)
    }

    @Test func canonicalJSONIsStableAndEscaped() {
        let t = Task(
            id: TaskID("00000000000000ab")!, title: "say \"hi\"\\", body: "line1\nline2\u{1}", role: "qa-engineer",
            priority: 3, deps: [TaskID(value: 2), TaskID(value: 1), TaskID(value: 2)], labels: ["x"], created: Timestamp(microseconds: 0))
        let compact = String(decoding: TaskJSON.encode(t), as: UTF8.self)
        #expect(compact == #"{"assignee":null,"attempts":0,"body":"line1\nline2\u0001","clock":0,"created":"1970-01-01T00:00:00.000000Z","deps":["0000000000000001","0000000000000002"],"epoch":0,"failure":null,"files":[],"id":"00000000000000ab","labels":["x"],"priority":3,"role":"qa-engineer","status":"open","title":"say \"hi\"\\","updated":"1970-01-01T00:00:00.000000Z"}"#)
        let pretty = String(decoding: TaskJSON.encode(t, pretty: true), as: UTF8.self)
        #expect(pretty.split(separator: "\n").count == 18)
        #expect(pretty.hasPrefix("{\n  \"assignee\": null,\n"))
    }
}
