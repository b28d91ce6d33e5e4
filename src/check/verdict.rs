//! The answer to "does this chain satisfy the pins for this host now?" (the JS
//! `Verdict`, README "Verdict").
//!
//! A verdict is a result, never an error: malformed input throws before one is made.
//! `ok` says whether the host may proceed; `status` says what was found even when
//! `ok` is true (report mode, fail-open states). Pins are matched only against the
//! certificates of the path from the leaf built by `crate::chain::path` (the signature-verified
//! path by default; the served chain in order when the caller passes
//! `verifySignatures: false`), so a pinned certificate appended to an unrelated chain
//! never matches (CVE-2016-2402).
//!
//! Pinning adds to the TLS stack's own validation against trusted roots; it does not
//! replace it.

use crate::finding::Finding;
use serde::Serialize;

/// What the check found, in the order that decides `status` when several checks fail
/// (`NoChain` first, `Mismatch` last).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    NoChain,
    InvalidChain,
    HostnameMismatch,
    CertExpired,
    /// Revocation: evidence says a path certificate is revoked, or a staple the
    /// entry or the leaf requires is missing or invalid.
    CertRevoked,
    Revoked,
    /// Certificate Transparency: an entry with `"ct": "enforce"` and SCTs that
    /// do not satisfy the CT policy.
    CtInsufficient,
    Mismatch,
    Matched,
    NotPinned,
    PolicyExpired,
}

impl Status {
    /// The status as JSON writes it (`hostname-mismatch`).
    pub fn name(self) -> &'static str {
        match self {
            Status::NoChain => "no-chain",
            Status::InvalidChain => "invalid-chain",
            Status::HostnameMismatch => "hostname-mismatch",
            Status::CertExpired => "cert-expired",
            Status::CertRevoked => "cert-revoked",
            Status::Revoked => "revoked",
            Status::CtInsufficient => "ct-insufficient",
            Status::Mismatch => "mismatch",
            Status::Matched => "matched",
            Status::NotPinned => "not-pinned",
            Status::PolicyExpired => "policy-expired",
        }
    }

    /// Whether this status is a failed check (it blocks in enforce mode).
    pub fn is_failure(self) -> bool {
        self < Status::Matched
    }
}

/// The active pin that matched, where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Matched {
    /// The policy's pin, canonical (`sha256/<base64>`).
    pub pin: String,
    /// Input index of the certificate it matched.
    pub cert_index: usize,
    /// Depth on the path: 0 is the leaf.
    pub depth: usize,
}

/// The JS `Verdict`, plus `reportKey`.
///
/// `reportKey` is an extra member (not in the JS `Verdict` interface) so that `report` stays
/// exactly the RFC 7469 section 3 object a host may POST as it is: it is the lowercase
/// hex SHA-256 of the report without `date-time` and `effective-expiration-date`,
/// serialised canonically (keys sorted, no whitespace), then a line feed, then the
/// entry's report URI (empty when it has none). Identical failures give identical keys,
/// so a host can rate-limit reports (Chromium deduplicated this way for an hour).
/// It is null exactly when `report` is null.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    pub ok: bool,
    pub status: Status,
    pub enforced: bool,
    pub hostname: Option<String>,
    pub domain: Option<String>,
    /// The first active pin (in policy order) found on the path; set whenever one
    /// matched, even if another check failed (then `ok` is decided by those checks).
    pub matched: Option<Matched>,
    pub served_pins: Vec<String>,
    /// Empty when no path was built (not pinned, policy expired, no chain).
    pub verified_path: Vec<usize>,
    pub message: String,
    pub findings: Vec<Finding>,
    pub report: Option<serde_json::Value>,
    pub report_key: Option<String>,
}
