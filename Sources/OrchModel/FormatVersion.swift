extension KeyedDecodingContainer {
    /// Reads a document's `format` and refuses one newer than `supported`, so an old git-orch
    /// never misreads state written by a newer one.
    func checkFormat(_ key: Key, supported: Int) throws {
        let format = try decode(Int.self, forKey: key)
        guard format <= supported else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self, debugDescription: "format \(format) is newer than this git-orch understands (\(supported))")
        }
    }
}
