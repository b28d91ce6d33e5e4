//! Validity periods of the path's certificates at the host's `now` (RFC 5280 4.1.2.5).
//!
//! SEAM (issue 4): the signature below is fixed; the body is a placeholder.

use crate::cert::Certificate;
use crate::finding::Finding;

/// Whether some path certificate is outside its validity period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidityOutcome {
    pub expired: bool,
    pub findings: Vec<Finding>,
}

/// Checks every certificate of `path` (input indices) at `now` (Unix seconds),
/// tolerating `clock_skew_seconds` either way.
pub fn check_validity(
    certs: &[Certificate],
    path: &[usize],
    now: i64,
    clock_skew_seconds: i64,
) -> ValidityOutcome {
    let expired = path.iter().filter_map(|i| certs.get(*i)).any(|c| {
        !c.is_valid_at(now.saturating_add(clock_skew_seconds))
            && !c.is_valid_at(now.saturating_sub(clock_skew_seconds))
    });
    ValidityOutcome {
        expired,
        findings: vec![],
    }
}
