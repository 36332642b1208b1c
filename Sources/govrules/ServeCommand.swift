import ArgumentParser
import Dispatch
import Foundation
import GovRulesDesk
import GovRulesKit

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The office desk: a local web page where clerks upload the ledger and see what is due, why, and download the results and the report.",
        discussion: """
        Listens on 127.0.0.1:8080 by default and prints the URL to open. The pages are in Chinese and \
        served by govrules itself; nothing is loaded from the internet. Uploads are kept in memory (and in \
        private temporary folders while a command runs), never written to the rules folder; the desk \
        cannot change the rules. Binding to any address other than loopback requires a login: the \
        password in --password-file, or one generated for the run and printed at start. Stop with Ctrl-C \
        or SIGTERM.
        """
    )

    @Option(help: ArgumentHelp("Address to listen on: 127.0.0.1 (this computer only), 0.0.0.0 (every network), or one address of this computer.", valueName: "address"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("Port to listen on (0: any free port; the URL printed says which).", valueName: "port"))
    var port: Int = 8080

    @Option(name: .customLong("password-file"), help: ArgumentHelp("File whose first line is the access password (at least 8 characters). Without it, a non-loopback --host gets a password generated and printed at start.", valueName: "file"))
    var passwordFile: String?

    @Option(name: .customLong("max-upload"), help: ArgumentHelp("Largest file accepted, in MB.", valueName: "MB"))
    var maxUpload: Int = 100

    @OptionGroup var ruleOptions: RuleOptions

    @Option(help: ArgumentHelp("The report formats folder (default ./reports, then the installed copy).", valueName: "dir"))
    var reports: String?

    @Option(help: ArgumentHelp("The letters folder: templates and office.lua (default ./letters, then the installed copy).", valueName: "dir"))
    var letters: String?

    @OptionGroup var jobsOption: JobsOption

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        guard (1...4096).contains(maxUpload) else { throw ValidationError("--max-upload must be between 1 and 4096 MB.") }
    }

    func run() throws {
        var o = DeskOptions()
        o.host = host
        o.port = UInt16(port)
        o.passwordFile = passwordFile
        o.maxUploadBytes = maxUpload << 20
        o.settings.rules = ruleOptions.rules
        o.settings.reports = reports
        o.settings.letters = letters
        o.settings.limits = ruleOptions.limits
        o.settings.jobs = jobsOption.jobs
        o.announce = { FileHandle.standardOutput.write(Data($0.utf8)) }

        // A closed connection must not stop the server; Ctrl-C, SIGTERM and SIGHUP stop it cleanly
        // (exit status 0: stopping is how a server ends),
        // removing any temporary folder a request still holds.
        signal(SIGPIPE, SIG_IGN)
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .main)
            s.setEventHandler {
                DeskShutdown.removeTemporaryFolders()
                FileHandle.standardError.write(Data("govrules 办理台已停止。\n".utf8))
                Foundation.exit(0)
            }
            s.resume()
            sources.append(s)
        }

        let failure = LockedBox<Error?>(nil)
        Task.detached {
            do { try await Desk.run(o) } catch { failure.value = error }
            DispatchQueue.main.async {
                if let e = failure.value {
                    try? CommandSupport.finish(CommandOutcome.failure(e))
                    Foundation.exit(1)
                }
                Foundation.exit(0)
            }
        }
        withExtendedLifetime(sources) { dispatchMain() }
    }
}

final class LockedBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var _value: T
    init(_ v: T) { _value = v }
    var value: T {
        get { lock.lock(); defer { lock.unlock() }; return _value }
        set { lock.lock(); _value = newValue; lock.unlock() }
    }
}
