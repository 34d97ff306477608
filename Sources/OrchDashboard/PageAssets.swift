import OrchModel

/// The page's script and style, kept as files (Resources/dashboard.js, dashboard.css: checked by
/// `node --check` in the tests) and embedded in the binary at build time (Package.swift).
extension Page {
    /// The script, after the worker palette (hex and terminal background of each colour).
    static var javascript: String {
        let palette = WorkerColor.palette.map { "\"\($0.hex)\": \"\($0.background)\"" }.joined(separator: ", ")
        return "const BACKGROUNDS = {\(palette)};\n" + script
    }

    static let script = text(PackageResources.dashboard_js)
    static let css = text(PackageResources.dashboard_css)

    /// A file's text without the newline that ends it (served as the Swift literal was).
    private static func text(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }
}
