// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "govrules",
    products: [
        .executable(name: "govrules", targets: ["govrules"]),
        .library(name: "GovRulesKit", targets: ["GovRulesKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Letter templates (letters/*.mustache): logic-less Mustache, which an officer can read.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // The office desk's HTTP server (govrules serve); only GovRulesDesk depends on it.
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
        // Zip archives: the .docx report and .xlsx workbooks (read as they inflate, and written).
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // The system Lua 5.4 (Debian: liblua5.4-dev), found through pkg-config.
        .systemLibrary(
            name: "CLua",
            pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]
        ),
        // libxml2's push (SAX) parser, fed as the zip entry inflates: a worksheet is parsed as a
        // stream, never loaded whole (Debian: libxml2-dev; Foundation's XMLParser on Linux is
        // this same library, behind a String and a dictionary per element).
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // The parts of the sandbox that must be C: the allocator, the instruction hook and
        // every call that can raise a Lua error (longjmp must never cross Swift frames).
        .target(name: "CLuaSandbox", dependencies: ["CLua"]),
        // Everything the tool does: ledger -> rules -> classification -> report.
        .target(
            name: "GovRulesKit",
            dependencies: ["CLuaSandbox", "CLibXML2", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                           .product(name: "Mustache", package: "swift-mustache")],
            // Runtime exclusivity checks cost ~5% of a classify run (a thread-local lookup per
            // access on the row path). The compiler still checks what it can statically, and
            // debug builds, which the tests use, keep the runtime checks.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // The office desk (govrules serve): pages and downloads over HTTP, calling the same
        // GovRulesKit functions as the commands. Keeps the HTTP dependency out of the library.
        .target(
            name: "GovRulesDesk",
            dependencies: ["GovRulesKit", .product(name: "FlyingFox", package: "FlyingFox")]
        ),
        // The thin command: parses flags, calls GovRulesKit, maps errors to exit codes.
        .executableTarget(
            name: "govrules",
            dependencies: [
                "GovRulesKit",
                "GovRulesDesk",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "GovRulesKitTests", dependencies: ["GovRulesKit", .product(name: "ZIPFoundation", package: "ZIPFoundation")], resources: [.copy("Fixtures")]),
        // End-to-end tests run the built binary; their fixtures are read from the source tree.
        .testTarget(name: "EndToEndTests", dependencies: ["GovRulesKit", .product(name: "ZIPFoundation", package: "ZIPFoundation")], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v5]
)
