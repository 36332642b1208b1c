import Foundation
import GovRulesKit

/// The uploads being looked at, by their unguessable ids. A record never changes once stored, so
/// two clerks (or two tabs) never see each other's data: each reaches only the ids it was given.
/// Records are kept in memory only, and dropped when cleared, after `lifetime`, or oldest first
/// when the store would exceed `maxBytes`.
actor UploadStore {
    private var records: [String: Upload] = [:]
    private let lifetime: TimeInterval
    private let maxBytes: Int

    init(lifetime: TimeInterval = 4 * 3600, maxBytes: Int) {
        self.lifetime = lifetime
        self.maxBytes = maxBytes
    }

    func put(_ u: Upload) {
        expire()
        records[u.id] = u
        var total = records.values.reduce(0) { $0 + $1.ledger.count }
        for old in records.values.sorted(by: { $0.created < $1.created }) where total > maxBytes && old.id != u.id {
            records[old.id] = nil
            total -= old.ledger.count
        }
    }

    func get(_ id: String) -> Upload? {
        expire()
        return records[id]
    }

    func remove(_ id: String) { records[id] = nil }

    private func expire() {
        let now = Date()
        records = records.filter { now.timeIntervalSince($0.value.created) < lifetime }
    }
}

/// Logged-in browsers, by the SHA-256 of their session cookie (a dictionary lookup on the
/// digest reveals nothing about the cookie itself).
actor SessionStore {
    private var sessions: [String: Date] = [:]
    private let lifetime: TimeInterval = 12 * 3600

    func create() -> String {
        let token = Secrets.token(bytes: 32)
        let now = Date()
        sessions = sessions.filter { now.timeIntervalSince($0.value) < lifetime }
        sessions[SessionStore.digest(token)] = now
        return token
    }

    func isValid(_ token: String) -> Bool {
        guard let started = sessions[SessionStore.digest(token)] else { return false }
        return Date().timeIntervalSince(started) < lifetime
    }

    func end(_ token: String) { sessions[SessionStore.digest(token)] = nil }

    static func digest(_ s: String) -> String {
        SHA256.hex(SHA256.hash(Array(s.utf8)))
    }
}
