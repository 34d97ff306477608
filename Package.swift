// swift-tools-version:6.0
import PackageDescription

// Strict settings shared by every Swift target (see ../shared/style.md).
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
    // Our own targets build without warnings, and stay so (dependencies keep their own settings).
    .unsafeFlags(["-warnings-as-errors"]),
]

let package = Package(
    name: "git-orch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "git-orch", targets: ["git-orch"]),
        .executable(name: "git-orch-catalog", targets: ["git-orch-catalog"]),
        .executable(name: "git-orch-mcp", targets: ["git-orch-mcp"]),
        .executable(name: "git-orch-run", targets: ["git-orch-run"]),
        .executable(name: "git-orch-dashboard", targets: ["git-orch-dashboard"]),
        .executable(name: "git-orch-manual", targets: ["git-orch-manual"]),
        .executable(name: "orch-bench", targets: ["orch-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibgit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        .target(name: "CProcess"),
        // The one process layer: spawning, pipes, pseudo-terminals, EINTR. Glibc only, no
        // Foundation (git-orch links it).
        .target(name: "ProcessKit", dependencies: ["CProcess"], swiftSettings: strictSettings),
        .target(name: "GitKit", dependencies: ["CLibgit2", "ProcessKit"], swiftSettings: strictSettings),
        .target(name: "OrchModel", swiftSettings: strictSettings),
        .target(name: "OrchStore", dependencies: ["GitKit", "OrchModel", "ProcessKit"], swiftSettings: strictSettings),
        .target(
            name: "OrchCatalog",
            dependencies: ["OrchModel", .product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),
        // The tools agents call (served by git-orch-mcp): over the store and the catalog only.
        .target(name: "OrchTools", dependencies: ["OrchStore", "OrchModel", "OrchCatalog", "GitKit", "ProcessKit", "CProcess"], swiftSettings: strictSettings),
        .target(
            name: "OrchRuntime",
            dependencies: ["OrchStore", "OrchModel", "OrchCatalog", "OrchTools", "GitKit", "ProcessKit", "CProcess"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "GitOrchCLI",
            dependencies: [
                "OrchStore", "OrchModel", "GitKit", "ProcessKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "GitOrchCatalogCLI",
            dependencies: [
                "GitOrchCLI", "OrchCatalog", "OrchStore", "OrchModel", "OrchTools", "GitKit", "ProcessKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        // The Swift runtime and FoundationEssentials linked in: loading them as shared libraries was
        // most of the start-up of every graph command (docs/benchmarks.md, Start-up).
        .executableTarget(
            name: "git-orch", dependencies: ["GitOrchCLI"], swiftSettings: strictSettings,
            linkerSettings: [.unsafeFlags(["-static-stdlib"]), .linkedLibrary("_FoundationCollections"), .linkedLibrary("_FoundationCShims"), .linkedLibrary("swiftSynchronization")]
        ),
        .target(
            name: "GitOrchRunCLI",
            dependencies: [
                "GitOrchCLI", "OrchRuntime", "OrchStore", "OrchModel", "GitKit", "ProcessKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(name: "git-orch-run", dependencies: ["GitOrchRunCLI", "GitOrchCLI"], swiftSettings: strictSettings),
        .executableTarget(name: "git-orch-catalog", dependencies: ["GitOrchCatalogCLI", "GitOrchCLI"], swiftSettings: strictSettings),
        .executableTarget(
            name: "git-orch-mcp",
            dependencies: ["OrchTools", .product(name: "MCP", package: "swift-sdk")],
            swiftSettings: strictSettings
        ),
        // The dashboard (HTTP + WebSocket) lives in its own executable so NIO stays out of the others.
        .target(
            name: "OrchDashboard",
            dependencies: [
                "OrchRuntime", "OrchModel", "GitKit", "ProcessKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            ],
            // The page's script and style are files of their own, embedded at build time.
            resources: [.embedInCode("Resources/dashboard.js"), .embedInCode("Resources/dashboard.css")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "GitOrchDashboardCLI",
            dependencies: [
                "OrchDashboard", "OrchRuntime", "GitKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "git-orch-dashboard",
            dependencies: ["GitOrchDashboardCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strictSettings
        ),
        // Every command's real type in one tree rooted at `git-orch`, for the manual page and the
        // shell completions only (install.sh): the companions' options without linking them into
        // `git-orch`. Never installed; it documents and runs nothing.
        .executableTarget(
            name: "git-orch-manual",
            dependencies: [
                "GitOrchCLI", "GitOrchRunCLI", "GitOrchCatalogCLI", "GitOrchDashboardCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // Appended by install.sh to the generated bash completion: `git orch <TAB>` through git's.
            exclude: ["git-orch.bash"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "orch-bench",
            dependencies: ["OrchStore", "OrchModel", "GitKit", "ProcessKit", "OrchRuntime"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "OrchTestSupport",
            dependencies: ["GitKit", "OrchModel", "ProcessKit"],
            path: "Tests/OrchTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(name: "ProcessKitTests", dependencies: ["ProcessKit"], swiftSettings: strictSettings),
        .testTarget(name: "GitKitTests", dependencies: ["GitKit", "OrchTestSupport"], swiftSettings: strictSettings),
        .testTarget(name: "OrchModelTests", dependencies: ["OrchModel", "OrchTestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "OrchCatalogTests",
            dependencies: ["OrchCatalog", "OrchModel", "OrchTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "OrchStoreTests",
            dependencies: ["OrchStore", "OrchModel", "GitKit", "OrchTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "OrchRuntimeTests",
            dependencies: ["OrchRuntime", "OrchStore", "OrchModel", "GitKit", "ProcessKit", "OrchTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "GitOrchCLITests",
            dependencies: [
                "GitOrchCLI", "git-orch-catalog", "git-orch-mcp", "git-orch-run", "git-orch-manual", "OrchStore", "OrchModel", "GitKit", "ProcessKit", "OrchTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "OrchDashboardTests",
            dependencies: [
                "OrchDashboard", "OrchRuntime", "OrchModel", "GitKit", "OrchTestSupport", "git-orch-dashboard", "git-orch-run",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
