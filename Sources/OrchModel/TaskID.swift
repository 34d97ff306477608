/// A task's id: 64 bits shown as 16 lowercase hex digits. Ids are made by hashing the task with a
/// random nonce, so clones that create tasks offline never collide; people type the shortest
/// unique prefix, as with git commits.
public struct TaskID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let hexLength = 16
    /// The fewest digits shown for an abbreviated id.
    public static let minimumAbbreviation = 6

    public let value: UInt64

    public init(value: UInt64) { self.value = value }

    /// Parses exactly 16 hex digits (the stored form).
    public init?(_ text: some StringProtocol) {
        guard text.utf8.count == Self.hexLength, let value = UInt64(text, radix: 16),
              text.utf8.allSatisfy({ isLowerHex($0) }) else { return nil }
        self.value = value
    }

    /// Takes the first 16 hex digits of a digest (e.g. a SHA-1 of the task and a nonce).
    public init?(digestHex: String) {
        guard digestHex.utf8.count >= Self.hexLength else { return nil }
        self.init(digestHex.prefix(Self.hexLength).lowercased())
    }

    public var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: Self.hexLength - digits.count) + digits
    }

    public var description: String { hex }

    /// The two-digit folder a task file is stored in (`tasks/<fanOut>/<id>.json`).
    public var fanOut: String { String(hex.prefix(2)) }

    public static func < (lhs: TaskID, rhs: TaskID) -> Bool { lhs.value < rhs.value }

    /// Number of leading hex digits two ids share.
    static func sharedDigits(_ lhs: TaskID, _ rhs: TaskID) -> Int {
        (lhs.value ^ rhs.value).leadingZeroBitCount / 4
    }
}

/// A hex prefix typed by a user, as the range of ids it matches.
struct TaskIDPrefix {
    let lower: UInt64
    let upper: UInt64  // inclusive

    init?(_ text: String) {
        let digits = text.lowercased()
        guard (1...TaskID.hexLength).contains(digits.utf8.count), digits.utf8.allSatisfy({ isLowerHex($0) }),
              let value = UInt64(digits, radix: 16) else { return nil }
        let freeBits = UInt64(4 * (TaskID.hexLength - digits.utf8.count))
        lower = freeBits == 64 ? 0 : value << freeBits
        upper = freeBits == 0 ? value : lower | ((1 << freeBits) - 1)
    }
}

func isLowerHex(_ unit: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(unit) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(unit)
}
