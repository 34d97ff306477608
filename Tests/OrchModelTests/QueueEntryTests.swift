import Foundation
import OrchModel
import Testing

@Suite struct QueueEntryTests {
    @Test func entriesAndRecordsRoundTripWithEveryKey() throws {
        let time = Timestamp(iso8601: "2026-01-02T03:04:05.000006Z")!
        let entry = QueueEntry(id: 3, branch: "orch/indigo", tip: String(repeating: "a", count: 40), task: TaskID("00112233aabbccdd"),
                               worker: "indigo", enqueued: time, state: .rejected, reason: "conflicts", conflicts: ["a.txt"])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes = try encoder.encode(entry)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("\"format\":1"))
        #expect(text.contains("\"merged_as\":null"))
        #expect(try JSONDecoder().decode(QueueEntry.self, from: bytes) == entry)

        let record = QueueTestRecord(command: "./test.sh", attempts: [.init(exitStatus: 1, durationSeconds: 0.5), .init(exitStatus: 0, durationSeconds: 0.25)],
                                     logTail: "ok\n", tree: "t", base: "b", entries: [3], time: time)
        #expect(record.passed && record.retries == 1 && record.durationSeconds == 0.75)
        let recordBytes = try encoder.encode(record)
        #expect(String(decoding: recordBytes, as: UTF8.self).contains("\"passed\":true"))
        #expect(try JSONDecoder().decode(QueueTestRecord.self, from: recordBytes) == record)
    }

    @Test func aNewerFormatIsRefused() {
        let text = #"{"format":9,"id":1,"branch":"b","tip":"t","enqueued":"2026-01-02T03:04:05.000006Z","updated":"2026-01-02T03:04:05.000006Z","state":"queued"}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(QueueEntry.self, from: Data(text.utf8)) }
    }
}
