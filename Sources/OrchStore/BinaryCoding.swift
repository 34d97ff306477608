/// Little-endian byte writer and reader for the disposable graph cache.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func i64(_ value: Int64) { u64(UInt64(bitPattern: value)) }
    mutating func raw(_ data: [UInt8]) { bytes.append(contentsOf: data) }
    mutating func string(_ value: String) {
        var copy = value
        copy.withUTF8 { utf8 in
            u32(UInt32(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }
    mutating func optionalString(_ value: String?) {
        if let value { u8(1); string(value) } else { u8(0) }
    }
}

struct ByteReader {
    struct Truncated: Error {}
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    /// A count read from the file, refused when even `minimumSize` bytes per item would not fit in
    /// what is left (so a damaged count can never ask for a huge allocation).
    mutating func count(minimumSize: Int) throws(Truncated) -> Int {
        let value = Int(try u32())
        guard value * max(1, minimumSize) <= bytes.count - offset else { throw Truncated() }
        return value
    }

    mutating func take(_ count: Int) throws(Truncated) -> ArraySlice<UInt8> {
        guard count >= 0, offset + count <= bytes.count else { throw Truncated() }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }
    mutating func u8() throws(Truncated) -> UInt8 { try take(1).first! }
    mutating func u32() throws(Truncated) -> UInt32 {
        guard offset + 4 <= bytes.count else { throw Truncated() }
        defer { offset += 4 }
        return bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
    }
    mutating func u64() throws(Truncated) -> UInt64 {
        guard offset + 8 <= bytes.count else { throw Truncated() }
        defer { offset += 8 }
        return bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
    }
    mutating func i64() throws(Truncated) -> Int64 { Int64(bitPattern: try u64()) }
    mutating func string() throws(Truncated) -> String {
        let count = Int(try u32())
        guard offset + count <= bytes.count else { throw Truncated() }
        defer { offset += count }
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[offset..<offset + count]), as: UTF8.self) }
    }
    mutating func optionalString() throws(Truncated) -> String? {
        try u8() == 1 ? try string() : nil
    }
}
