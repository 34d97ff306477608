/// The page, kept in the binary (see PageHTML.swift, and PageAssets.swift for Resources/).
enum Page {
    /// The four signature colours, as four dots.
    static let favicon = """
    <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="4" cy="4" r="3.5" fill="#6366f1"/>\
    <circle cx="12" cy="4" r="3.5" fill="#10b981"/><circle cx="4" cy="12" r="3.5" fill="#f59e0b"/><circle cx="12" cy="12" r="3.5" fill="#f43f5e"/></svg>
    """
}
