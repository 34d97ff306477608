/// The page, kept as text in the binary (see PageHTML.swift, PageCSS.swift, PageScript.swift).
enum Page {}
