import Foundation
import GovRulesKit

/// Random tokens and their comparison.
enum Secrets {
    /// `bytes` random bytes from the system's cryptographic generator (getrandom on Linux), as
    /// lowercase hex: upload ids, session cookies, the per-run CSRF token, the generated password.
    static func token(bytes: Int = 16) -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &rng)) }.joined()
    }

    /// Compares the SHA-256 digests of both strings byte by byte without stopping early, so the
    /// time taken says nothing about how much of a guess was right, nor about the secret's length.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = SHA256.hash(Array(a.utf8))
        let y = SHA256.hash(Array(b.utf8))
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
