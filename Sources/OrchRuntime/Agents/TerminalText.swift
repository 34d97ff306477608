/// Turns raw pseudo-terminal bytes of one line into the text a person would see.
enum TerminalText {
    /// Drops ANSI escape sequences (colours, cursor moves, titles) and other control characters;
    /// a carriage return starts the line over, as on a terminal (progress bars), except the one
    /// the terminal puts before each newline.
    static func clean<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        func next() -> UInt8? {
            guard index < bytes.endIndex else { return nil }
            defer { index = bytes.index(after: index) }
            return bytes[index]
        }
        while let byte = next() {
            switch byte {
            case 0x1B: skipEscape(next)
            case UInt8(ascii: "\r"):
                // Keep "\r" only to find where the visible line starts, below.
                output.append(byte)
            case UInt8(ascii: "\t"): output.append(byte)
            case 0..<0x20, 0x7F: continue
            default: output.append(byte)
            }
        }
        while output.last == UInt8(ascii: "\r") { output.removeLast() }
        if let lastReturn = output.lastIndex(of: UInt8(ascii: "\r")) { output.removeSubrange(...lastReturn) }
        return String(decoding: output, as: UTF8.self)
    }

    /// Consumes the rest of an escape sequence after ESC.
    private static func skipEscape(_ next: () -> UInt8?) {
        guard let kind = next() else { return }
        switch kind {
        case UInt8(ascii: "["):
            // CSI: parameter and intermediate bytes, then one final byte in @...~.
            while let byte = next(), !(0x40...0x7E).contains(byte) {}
        case UInt8(ascii: "]"), UInt8(ascii: "P"), UInt8(ascii: "X"), UInt8(ascii: "^"), UInt8(ascii: "_"):
            // OSC and the other string sequences end with BEL or ESC \.
            while let byte = next() {
                if byte == 0x07 { return }
                if byte == 0x1B { _ = next(); return }
            }
        case 0x20...0x2F:
            // ESC ( B and friends: intermediates, then one final byte.
            while let byte = next(), (0x20...0x2F).contains(byte) {}
        default:
            return
        }
    }
}
