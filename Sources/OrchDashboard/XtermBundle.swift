import Foundation

/// xterm.js for the page, from Debian's packages. Debian ships xterm.js 3.8 as CommonJS modules
/// (`node-xterm`, in /usr/share/nodejs/xterm/lib; the `libjs-xterm` "browser" file is only a
/// stub that calls `require`), so the server joins the modules the page needs (the terminal and
/// its fit and search addons, with everything they require) into one script with a tiny
/// `require` of its own: no build step, no download, nothing but the files on disk.
public struct XtermBundle: Sendable {
    /// The package folder (the one with `lib/` and `package.json`).
    public let root: String

    public static let entries = ["lib/public/Terminal.js", "lib/addons/fit/fit.js", "lib/addons/search/search.js"]

    public init(root: String) { self.root = root }

    public var stylesheet: String? {
        FileManager.default.contents(atPath: root + "/lib/xterm.css").map { String(decoding: $0, as: UTF8.self) }
    }

    /// The script that defines `window.Terminal` (with `fit()` and `findNext()`), or nil when the
    /// package is missing.
    public func script() -> String? {
        var modules: [(String, String)] = []
        var seen: Set<String> = []
        var pending = Self.entries
        while let path = pending.popLast() {
            guard !seen.contains(path) else { continue }
            seen.insert(path)
            guard let data = FileManager.default.contents(atPath: root + "/" + path) else { return nil }
            let source = String(decoding: data, as: UTF8.self)
            modules.append((path, source.replacingOccurrences(of: "//# sourceMappingURL=", with: "// map: ")))
            for name in Self.requires(in: source) where name.hasPrefix(".") {
                if let resolved = resolve(name, from: path) { pending.append(resolved) }
            }
        }
        var script = "// xterm.js \(version ?? "") from Debian's node-xterm, joined by git-orch-dashboard\n(function () {\nvar modules = {\n"
        for (path, source) in modules.sorted(by: { $0.0 < $1.0 }) {
            script += "\(Self.quoted(path)): function (module, exports, require) {\n\(source)\n},\n"
        }
        script += """
        };
        var cache = {};
        function resolve(from, name) {
          var parts = from.split('/'); parts.pop();
          name.split('/').forEach(function (part) { if (part === '..') parts.pop(); else if (part !== '.') parts.push(part); });
          var path = parts.join('/');
          if (modules[path]) return path;
          if (modules[path + '.js']) return path + '.js';
          return path + '/index.js';
        }
        function load(path) {
          if (cache[path]) return cache[path].exports;
          if (!modules[path]) throw new Error('xterm bundle: no module ' + path);
          var module = { exports: {} };
          cache[path] = module;
          modules[path].call(module.exports, module, module.exports, function (name) { return load(resolve(path, name)); });
          return module.exports;
        }
        var Terminal = load('lib/public/Terminal.js').Terminal;
        Terminal.applyAddon(load('lib/addons/fit/fit.js'));
        Terminal.applyAddon(load('lib/addons/search/search.js'));
        window.Terminal = Terminal;
        })();

        """
        return script
    }

    var version: String? {
        guard let data = FileManager.default.contents(atPath: root + "/package.json"),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["version"] as? String
    }

    /// `require("NAME")` calls, in order.
    static func requires(in source: String) -> [String] {
        var names: [String] = []
        var rest = source[...]
        while let start = rest.range(of: "require(\"") {
            let after = rest[start.upperBound...]
            guard let end = after.firstIndex(of: "\"") else { break }
            names.append(String(after[..<end]))
            rest = after[end...]
        }
        return names
    }

    /// `./x` from `lib/a/b.js` is `lib/a/x.js` (or `lib/a/x/index.js`).
    func resolve(_ name: String, from path: String) -> String? {
        var parts = path.split(separator: "/").map(String.init)
        parts.removeLast()
        for part in name.split(separator: "/") {
            if part == ".." { _ = parts.popLast() } else if part != "." { parts.append(String(part)) }
        }
        let base = parts.joined(separator: "/")
        for candidate in [base, base + ".js", base + "/index.js"] {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + candidate, isDirectory: &isDirectory), !isDirectory.boolValue { return candidate }
        }
        return nil
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
