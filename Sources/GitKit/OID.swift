import CLibgit2

/// A SHA-1 object id. Stored as plain integers so hashing and comparing are cheap.
public struct OID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let byteCount = 20
    private var high: UInt64
    private var middle: UInt64
    private var low: UInt32

    init(_ oid: git_oid) {
        var copy = oid
        (high, middle, low) = withUnsafeBytes(of: &copy.id) { raw in
            (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
             raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
             raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
        }
    }

    /// Builds an id from its 20 raw bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        self = bytes.withUnsafeBytes { OID(rawBytes: $0) }
    }

    /// Builds an id from the first 20 bytes of `rawBytes` (the caller checks the length). Not
    /// generic, so hot loops in other modules (the graph cache) do not pay for unspecialised code.
    public init(rawBytes: UnsafeRawBufferPointer) {
        high = rawBytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        middle = rawBytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        low = rawBytes.loadUnaligned(fromByteOffset: 16, as: UInt32.self)
    }

    /// Appends the 20 raw bytes to `buffer`.
    public func append(to buffer: inout [UInt8]) {
        withUnsafeBytes(of: (high, middle, low)) { raw in
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[0..<8]))
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[8..<16]))
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[16..<20]))
        }
    }

    /// Parses 40 hexadecimal digits.
    public init?(hex: some StringProtocol) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.byteCount)
        var pending: UInt8? = nil
        for unit in hex.utf8 {
            guard let nibble = hexValue(unit) else { return nil }
            if let high = pending {
                bytes.append(high << 4 | nibble)
                pending = nil
            } else {
                pending = nibble
            }
        }
        guard pending == nil else { return nil }
        self.init(bytes: bytes)
    }

    var raw: git_oid {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { raw in
            raw.storeBytes(of: high, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: middle, toByteOffset: 8, as: UInt64.self)
            raw.storeBytes(of: low, toByteOffset: 16, as: UInt32.self)
        }
        return oid
    }

    /// The 20 raw bytes.
    public var bytes: [UInt8] {
        var oid = raw
        return withUnsafeBytes(of: &oid.id) { Array($0) }
    }

    public var hex: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(40)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    public var description: String { hex }

    public static func < (lhs: OID, rhs: OID) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    /// The id git would give `bytes` stored as a blob, computed without touching a repository.
    public static func hashBlob(_ bytes: [UInt8]) throws(GitError) -> OID {
        _ = libgit2Initialized
        var oid = git_oid()
        let result = bytes.withUnsafeBytes { buffer in
            git_odb_hash(&oid, buffer.baseAddress, buffer.count, GIT_OBJECT_BLOB)
        }
        try check(result, "git_odb_hash")
        return OID(oid)
    }
}

private func hexValue(_ unit: UInt8) -> UInt8? {
    switch unit {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): unit - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): unit - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): unit - UInt8(ascii: "A") + 10
    default: nil
    }
}
