import Foundation
import OrchCatalog

/// Reading one line of an agent's JSON-lines output; anything that is not a JSON object (a
/// warning, a progress message, a question) is not an event.
enum JSONLine {
    static func object(_ line: String) -> JSONValue? {
        guard line.first == "{", let value = try? JSONValue.parse(Data(line.utf8)), case .object = value else { return nil }
        return value
    }
}

extension JSONValue {
    func field(_ key: String) -> JSONValue? {
        if case .object(let fields) = self { fields[key] } else { nil }
    }

    var text: String? { if case .string(let value) = self { value } else { nil } }
    var elements: [JSONValue]? { if case .array(let value) = self { value } else { nil } }
    var members: [String: JSONValue]? { if case .object(let value) = self { value } else { nil } }
    var flag: Bool? { if case .bool(let value) = self { value } else { nil } }
    var double: Double? { if case .number(let value) = self { value } else { nil } }
    var count: Int? { double.flatMap { $0.isFinite ? Int($0) : nil } }
}
