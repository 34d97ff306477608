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
            let source: String
            if let data = FileManager.default.contents(atPath: root + "/" + path) {
                source = String(decoding: data, as: UTF8.self)
            } else if let stand = Self.standIns[path] {
                source = stand
            } else {
                return nil
            }
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
            if Self.standIns[candidate] != nil { return candidate }
        }
        return nil
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Modules Debian's package lacks. Its search addon requires `./SearchHelper`, which it does
    /// not ship: this one finds text with xterm's own buffer and selection (case-insensitive,
    /// wrapping, one line at a time), enough for the dashboard's search box.
    static let standIns: [String: String] = [
        "lib/addons/search/SearchHelper.js": """
        'use strict';
        Object.defineProperty(exports, '__esModule', { value: true });
        function SearchHelper(terminal) { this._terminal = terminal; this._last = null; }
        SearchHelper.prototype.findNext = function (term) { return this._find(term, 1); };
        SearchHelper.prototype.findPrevious = function (term) { return this._find(term, -1); };
        SearchHelper.prototype._find = function (term, direction) {
          if (!term) return false;
          var core = this._terminal._core || this._terminal, buffer = core.buffer, count = buffer.lines.length;
          var needle = term.toLowerCase(), last = this._last && this._last.term === needle ? this._last : null;
          var start = last ? last.row : (direction > 0 ? buffer.ydisp : buffer.ydisp + core.rows - 1);
          for (var i = 0; i <= count; i++) {
            var row = ((start + direction * i) % count + count) % count;
            var text = buffer.translateBufferLineToString(row, true).toLowerCase(), col;
            if (i === 0 && last) col = direction > 0 ? text.indexOf(needle, last.col + 1) : (last.col > 0 ? text.lastIndexOf(needle, last.col - 1) : -1);
            else col = direction > 0 ? text.indexOf(needle) : text.lastIndexOf(needle);
            if (col >= 0) {
              this._last = { term: needle, row: row, col: col };
              if (core.selectionManager) core.selectionManager.setSelection(col, row, needle.length);
              if (row < buffer.ydisp || row >= buffer.ydisp + core.rows) core.scrollLines(row - buffer.ydisp - Math.floor(core.rows / 2));
              return true;
            }
          }
          return false;
        };
        exports.SearchHelper = SearchHelper;
        """,
    ]
}
