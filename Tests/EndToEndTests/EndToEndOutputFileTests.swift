import Foundation
import Testing

/// `-o` to something that is not a regular file must write into it, never replace it: renaming a
/// temporary file over /dev/stdout (or /dev/full) would replace the device node.
@Suite("EndToEnd output targets")
struct EndToEndOutputFileTests {
    static let asOf = ["--as-of", "2025-01-10"]

    @Test func outputToDevStdoutWritesIntoThePipe() throws {
        let plain = E2E.run(["classify", "examples/requests.csv"] + Self.asOf)
        let viaPath = E2E.run(["classify", "examples/requests.csv", "-o", "/dev/stdout"] + Self.asOf)
        #expect(viaPath.status == 0)
        #expect(viaPath.stdoutData == plain.stdoutData)
        var st = stat()
        #expect(stat("/dev/stdout", &st) == 0)
    }

    @Test func aSymlinkKeepsPointingAtTheFileThatIsReplaced() throws {
        let dir = E2E.makeTempDir(prefix: "symlink-out")
        defer { try? FileManager.default.removeItem(at: dir) }
        let link = dir.appendingPathComponent("latest.csv")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "classified-2024.csv")
        for _ in 0..<2 {   // first the target does not exist yet, then it does
            let r = E2E.run(["classify", "examples/requests.csv", "-o", link.path] + Self.asOf)
            #expect(r.status == 0)
            let attributes = try FileManager.default.attributesOfItem(atPath: link.path)
            #expect(attributes[.type] as? FileAttributeType == .typeSymbolicLink, "the link itself was replaced")
            let target = dir.appendingPathComponent("classified-2024.csv")
            #expect(try String(contentsOf: target, encoding: .utf8).hasPrefix("申请编号,"))
        }
    }
}
