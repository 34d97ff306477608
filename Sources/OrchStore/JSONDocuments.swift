import FoundationEssentials

/// Stable, readable JSON for state documents: sorted keys, so diffs and merges of state refs stay
/// small, and a newline at the end like every text file.
public enum JSONDocuments {
    public static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return Array(((try? encoder.encode(value)) ?? Data("{}".utf8)) + Data("\n".utf8))
    }

    /// Every document of `chain` under `prefix`, decoded, in path order.
    public static func decodeAll<T: Decodable>(_ type: T.Type, in chain: DocumentChain, under prefix: String) throws(StoreError) -> [T] {
        let documents = try chain.documents()
        var decoded: [T] = []
        for (path, bytes) in documents.sorted(by: { $0.key < $1.key }) where path.hasPrefix(prefix) {
            decoded.append(try decode(type, bytes, ref: chain.ref, path: path))
        }
        return decoded
    }

    public static func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8], ref: String, path: String) throws(StoreError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw .corruptEntry(path: "\(ref):\(path)", reason: "not a valid \(T.self) document (\(error))")
        }
    }
}
