import CLibgit2

extension Repository {
    /// The note attached to `object` under `notesRef` (e.g. `refs/notes/orch/tests`), nil when none.
    public func note(on object: OID, notesRef: String) throws(GitError) -> String? {
        var note: OpaquePointer?
        var raw = object.raw
        let result = git_note_read(&note, handle, notesRef, &raw)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try check(result, "git_note_read")
        defer { git_note_free(note) }
        return git_note_message(note).map { String(cString: $0) }
    }

    /// Attaches `text` to `object`, replacing an existing note. Returns the notes commit.
    @discardableResult
    public func setNote(_ text: String, on object: OID, notesRef: String) throws(GitError) -> OID {
        let author = try signature().makeRaw()
        defer { git_signature_free(author) }
        var raw = object.raw
        var noteOID = git_oid()
        try check(git_note_create(&noteOID, handle, notesRef, author, author, &raw, text, 1), "git_note_create")
        return try referenceTarget(notesRef)!
    }

    /// Removes the note on `object`; returns false when there was none.
    @discardableResult
    public func removeNote(on object: OID, notesRef: String) throws(GitError) -> Bool {
        let author = try signature().makeRaw()
        defer { git_signature_free(author) }
        var raw = object.raw
        let result = git_note_remove(handle, notesRef, author, author, &raw)
        if result == GIT_ENOTFOUND.rawValue { return false }
        try check(result, "git_note_remove")
        return true
    }
}
