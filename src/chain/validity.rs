//! Validity periods of the path's certificates at the host's `now` (RFC 5280 4.1.2.5).
//! Both bounds are inclusive; `clock_skew_seconds` widens the window on both sides.

use crate::finding::{Finding, FindingCode};
use crate::time::UnixTime;
use crate::x509::cert::Certificate;

const DAY: i64 = 86_400;
/// How close an expiry must be for `expiring_soon` to warn: 30 days.
pub const EXPIRY_WARNING_SECONDS: i64 = 30 * DAY;

/// Whether some path certificate is outside its validity period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidityOutcome {
    pub expired: bool,
    pub findings: Vec<Finding>,
}

/// Checks every certificate of `path` (input indices) at `now` (a whole second),
/// tolerating `clock_skew_seconds` either way (a negative skew counts as zero).
pub fn check_validity(
    certs: &[Certificate],
    path: &[usize],
    now: UnixTime,
    clock_skew_seconds: i64,
) -> ValidityOutcome {
    let skew = clock_skew_seconds.max(0);
    let mut findings = vec![];
    let mut out_of_period = 0usize;
    let on_path: Vec<(usize, &Certificate)> = path
        .iter()
        .filter_map(|i| certs.get(*i).map(|c| (*i, c)))
        .collect();
    for (index, cert) in &on_path {
        // The descriptive facts (the subject) only when a finding names the certificate.
        if now.plus_seconds(skew) < cert.not_before() {
            let f = cert.facts();
            let subject = &f.subject;
            out_of_period += 1;
            findings.push(
                Finding::error(
                    FindingCode::CertNotYetValid,
                    format!(
                        "certificate {index} ({subject}) is not valid until {} ({}); now is {}",
                        f.not_before.to_rfc3339(),
                        in_words(f.not_before.seconds_since(now)),
                        now.to_rfc3339()
                    ),
                )
                .at(*index),
            );
        } else if now.minus_seconds(skew) > cert.not_after() {
            let f = cert.facts();
            let subject = &f.subject;
            out_of_period += 1;
            findings.push(
                Finding::error(
                    FindingCode::CertExpired,
                    format!(
                        "certificate {index} ({subject}) expired at {} ({} ago); now is {}: the server must renew it",
                        f.not_after.to_rfc3339(),
                        in_words(now.seconds_since(f.not_after)),
                        now.to_rfc3339()
                    ),
                )
                .at(*index),
            );
        }
    }
    if let Some(hint) = clock_hint(&on_path, now, skew, out_of_period) {
        findings.push(hint);
    }
    ValidityOutcome {
        expired: out_of_period > 0,
        findings,
    }
}

fn clock_hint(
    on_path: &[(usize, &Certificate)],
    now: UnixTime,
    skew: i64,
    out_of_period: usize,
) -> Option<Finding> {
    let (_, leaf) = on_path.first()?;
    let leaf_start = leaf.not_before();
    let early_by = leaf_start.seconds_since(now.plus_seconds(skew));
    if early_by > 0 && early_by < DAY {
        return Some(Finding::warning(
            FindingCode::ClockProbablyWrong,
            format!(
                "the leaf becomes valid only {} from now ({}): a fresh certificate and a client clock that is slightly behind; check the client's clock (or allow some clock skew)",
                in_words(early_by),
                leaf_start.to_rfc3339()
            ),
        ).at(0));
    }
    if on_path.len() >= 2 && out_of_period == on_path.len() {
        // Every certificate is out of its period: if they share a window, the chain is
        // consistent and the clock is what is off.
        let start = on_path.iter().map(|(_, c)| c.not_before()).max()?;
        let end = on_path.iter().map(|(_, c)| c.not_after()).min()?;
        if start <= end {
            return Some(Finding::warning(
                FindingCode::ClockProbablyWrong,
                format!(
                    "every certificate on the path is outside its validity period at {}, yet all are valid together from {} to {}: the client's clock is probably wrong",
                    now.to_rfc3339(),
                    start.to_rfc3339(),
                    end.to_rfc3339()
                ),
            ));
        }
    }
    None
}

/// Path certificates that are valid at `now` but expire within `within_seconds`.
pub fn expiring_soon(
    certs: &[Certificate],
    path: &[usize],
    now: UnixTime,
    within_seconds: i64,
) -> Vec<Finding> {
    path.iter()
        .filter_map(|i| certs.get(*i).map(|c| (*i, c)))
        .filter(|(_, c)| c.is_valid_at(now) && c.not_after().seconds_since(now) <= within_seconds)
        .map(|(index, c)| {
            Finding::warning(
                FindingCode::CertExpiresSoon,
                format!(
                    "certificate {index} ({}) expires at {}, in {}: renew it, and if you pin its key, make sure the renewed certificate keeps the key or that a backup pin covers the new one",
                    c.facts().subject,
                    c.facts().not_after.to_rfc3339(),
                    in_words(c.facts().not_after.seconds_since(now))
                ),
            )
            .at(index)
        })
        .collect()
}

/// A duration for people: "3 days", "5 hours", "12 minutes", "40 seconds".
fn in_words(seconds: i64) -> String {
    let s = seconds.max(0);
    let (n, unit) = if s >= 2 * DAY {
        (s / DAY, "days")
    } else if s >= 2 * 3600 {
        (s / 3600, "hours")
    } else if s >= 120 {
        (s / 60, "minutes")
    } else {
        (s, "seconds")
    };
    format!("{n} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let cases = [
            (0, "0 seconds"),
            (119, "119 seconds"),
            (120, "2 minutes"),
            (7200, "2 hours"),
            (2 * DAY, "2 days"),
            (-5, "0 seconds"),
        ];
        for (s, want) in cases {
            assert_eq!(in_words(s), want);
        }
    }
}
