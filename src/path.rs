//! Path building: the signature-verified path from the leaf through the served
//! certificates. Pins match only certificates on this path (the CVE-2016-2402 class
//! of bypass is an attacker appending a pinned certificate to an unrelated chain).
//!
//! SEAM (issue 4): the signatures below are fixed; the bodies are placeholders until
//! the verified path lands, and must not ship as they are.

use crate::cert::Certificate;
use crate::finding::Finding;

/// The outcome of building a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathOutcome {
    /// Input indices of the path, leaf first.
    pub path: Vec<usize>,
    /// False when the served certificates form no acceptable path: status `invalid-chain`.
    pub valid: bool,
    /// What path building observed (certificates off the path, unsupported algorithms...).
    pub findings: Vec<Finding>,
}

/// The path when the host opted out of signature checks (`verifySignatures: false`):
/// the served certificates in input order.
pub fn served_path(certs: &[Certificate]) -> PathOutcome {
    PathOutcome {
        path: (0..certs.len()).collect(),
        valid: !certs.is_empty(),
        findings: vec![],
    }
}

/// The signature-verified path from the leaf (`certs[0]`).
pub fn verified_path(certs: &[Certificate]) -> PathOutcome {
    // Placeholder until issue 4: no signature is checked yet.
    served_path(certs)
}
