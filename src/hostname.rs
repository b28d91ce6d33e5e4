//! Hostname verification of the leaf (RFC 6125 / RFC 9525).
//!
//! SEAM (issue 4): the signature below is fixed; the body is a placeholder.

use crate::cert::Certificate;
use crate::finding::Finding;

/// Whether the leaf covers `hostname`, with findings explaining a mismatch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostnameOutcome {
    pub matched: bool,
    pub findings: Vec<Finding>,
}

/// Checks `hostname` (a DNS name or an IP address literal) against the leaf.
pub fn check_hostname(leaf: &Certificate, hostname: &str) -> HostnameOutcome {
    // Placeholder until issue 4: exact dNSName match only.
    let wanted = hostname.trim_end_matches('.').to_ascii_lowercase();
    let matched = leaf
        .facts()
        .dns_names
        .iter()
        .any(|n| n.trim_end_matches('.').eq_ignore_ascii_case(&wanted));
    HostnameOutcome {
        matched,
        findings: vec![],
    }
}
