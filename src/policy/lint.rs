//! Policy lint: mistakes that make a valid policy dangerous (a lock-out waiting to
//! happen, a backup pin that is no backup) or useless (a pattern over a public suffix,
//! an entry that never applies where its author thinks). Each finding has a stable code
//! (`LINT_CODES`) and names the entry (`domains[i]` and its host).
//!
//! Rules come from RFC 7469 section 4.3 (backup pins: at least one pin in the chain and
//! one not), TrustKit (at least two pins when enforcing; no public-suffix entries) and
//! Android NSC (`<pin-set expiration>`: pins expire so a stale app fails open).

use crate::chain::path::verified_path;
use crate::check::pin_hits;
use crate::finding::{Finding, FindingCode};
use crate::names::host::HostPattern;
use crate::policy::{DomainEntry, Mode, PinPosition, PinState, Policy};
use crate::signature::verify::SignatureVerifier;
use crate::time::UnixTime;
use crate::x509::cert::Certificate;

/// An entry expiring within this many seconds is flagged (30 days).
pub const ENTRY_EXPIRY_WARNING_SECONDS: i64 = 30 * 86_400;

use crate::names::suffix::is_public_suffix;

fn label(i: usize, d: &DomainEntry) -> String {
    format!("domains[{i}] ({})", d.describe())
}

/// Lints `policy` at `now`. With `chain` (the served
/// certificates, leaf first), also checks the entries that cover the leaf's names (all
/// entries when none does) against it: a pin must match the chain's verified path, and
/// a backup pin must lie outside the chain (its path verified with `verifier`).
pub fn lint(
    policy: &Policy,
    now: UnixTime,
    chain: Option<&[Certificate]>,
    verifier: &dyn SignatureVerifier,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let domains = policy.domains();
    for (i, d) in domains.iter().enumerate() {
        let who = label(i, d);
        let active: Vec<_> = d
            .pins
            .iter()
            .filter(|p| p.state == PinState::Active)
            .collect();
        let mut distinct_active: Vec<&crate::pin::Pin> = Vec::new();
        for p in &active {
            if !distinct_active.contains(&&p.pin) {
                distinct_active.push(&p.pin);
            }
        }
        if distinct_active.len() < 2 {
            out.push(Finding::warning(
                FindingCode::FewActivePins,
                format!(
                    "{who} has {} distinct active pin{}: add a backup pin (a spare key kept offline, or a CA key) so a key change does not lock clients out",
                    distinct_active.len(),
                    if distinct_active.len() == 1 { "" } else { "s" }
                ),
            ));
        }
        for (k, p) in d.pins.iter().enumerate() {
            if d.pins.iter().take(k).any(|q| q.pin == p.pin) {
                let mixed = d.pins.iter().any(|q| q.pin == p.pin && q.state != p.state);
                let text = format!("{who} lists {} more than once", p.pin);
                out.push(if mixed {
                    Finding::error(
                        FindingCode::DuplicatePin,
                        format!("{text}, with different states: decide which state it has"),
                    )
                } else {
                    Finding::warning(
                        FindingCode::DuplicatePin,
                        format!("{text}: remove the copy"),
                    )
                });
            }
        }
        if let Some(expires) = d.expires {
            if now >= expires {
                out.push(Finding::warning(
                    FindingCode::EntryExpired,
                    format!("{who} expired at {}: it is not enforced (fail open); renew its pins and expires", expires.to_rfc3339()),
                ));
                if d.pins.iter().any(|p| p.state == PinState::Candidate) {
                    out.push(Finding::warning(
                        FindingCode::CandidatePastExpiry,
                        format!("{who} still has candidate pins after its expiry at {}: promote them to active or remove them", expires.to_rfc3339()),
                    ));
                }
            } else if now > expires.minus_seconds(ENTRY_EXPIRY_WARNING_SECONDS) {
                out.push(Finding::warning(
                    FindingCode::EntryExpiringSoon,
                    format!(
                        "{who} expires at {}, within 30 days: renew it before clients fail open",
                        expires.to_rfc3339()
                    ),
                ));
            }
        }
        let covers_many = d.include_subdomains || !matches!(d.host, HostPattern::Exact(_));
        if covers_many && is_public_suffix(d.host.name()) {
            out.push(Finding::error(
                FindingCode::PublicSuffixPattern,
                format!(
                    "{who} covers names under the public suffix {:?}, which belong to unrelated owners: pin your own domain",
                    d.host.name()
                ),
            ));
        }
        for (j, other) in domains.iter().enumerate() {
            if i != j && shadows(other, d) {
                out.push(Finding::warning(
                    FindingCode::ShadowedEntry,
                    format!(
                        "{} takes precedence over {who} for the names it covers: entries are never merged, so {who}'s pins do not apply there",
                        label(j, other)
                    ),
                ));
            }
        }
        if !active.is_empty() && active.iter().all(|p| p.position == PinPosition::Leaf) {
            out.push(Finding::warning(
                FindingCode::LeafOnlyPins,
                format!("{who} pins only leaf keys: add a CA pin or a spare key so renewing the certificate with a new key does not lock clients out"),
            ));
        }
        if d.mode == Mode::Report && d.report_uri.is_none() {
            out.push(Finding::warning(
                FindingCode::ReportWithoutUri,
                format!("{who} is in report mode without a reportUri: failures block nothing and are sent nowhere"),
            ));
        }
    }
    if let Some(certs) = chain {
        lint_chain(policy, certs, verifier, &mut out);
    }
    out
}

/// `general` covers the names of `specific`'s anchor, and `specific` wins there.
fn shadows(specific: &DomainEntry, general: &DomainEntry) -> bool {
    let probe = match &specific.host {
        HostPattern::Exact(n) => n.clone(),
        HostPattern::OneLabel(n) | HostPattern::AnyDepth(n) => format!("certpin-probe.{n}"),
    };
    match (
        specific.host.matches(&probe, specific.include_subdomains),
        general.host.matches(&probe, general.include_subdomains),
    ) {
        (Some(a), Some(b)) => a > b,
        _ => false,
    }
}

fn lint_chain(
    policy: &Policy,
    certs: &[Certificate],
    verifier: &dyn SignatureVerifier,
    out: &mut Vec<Finding>,
) {
    let Some(leaf) = certs.first() else {
        return;
    };
    let names: Vec<String> = leaf
        .facts()
        .dns_names
        .iter()
        .filter_map(|n| crate::names::host::normalize_name(&n.replace("*.", "certpin-probe.")).ok())
        .collect();
    let covering: Vec<usize> = policy
        .domains()
        .iter()
        .enumerate()
        .filter(|(_, d)| {
            names
                .iter()
                .any(|n| d.host.matches(n, d.include_subdomains).is_some())
        })
        .map(|(i, _)| i)
        .collect();
    let path = verified_path(certs, verifier).path;
    for (i, d) in policy.domains().iter().enumerate() {
        if !covering.is_empty() && !covering.contains(&i) {
            continue;
        }
        let who = label(i, d);
        let active = d.active_pins();
        let hits = pin_hits(&active, certs, &path);
        if hits.is_empty() {
            out.push(Finding::error(
                FindingCode::NoPinMatchesChain,
                format!("no active pin of {who} matches the verified path of the given chain: deploying this policy would block this server"),
            ));
        }
        let served: Vec<crate::pin::Pin> = certs
            .iter()
            .flat_map(|c| active.iter().map(move |p| c.pin(p.pin.algorithm())))
            .collect();
        if !active.is_empty() && active.iter().all(|p| served.contains(&p.pin)) {
            out.push(Finding::error(
                FindingCode::NoBackupPin,
                format!("every active pin of {who} is a key of the given chain: RFC 7469 requires a backup pin for a key not in the chain (keep its private key offline)"),
            ));
        }
        if !hits.is_empty()
            && hits.iter().all(|h| h.depth == 0)
            && active.iter().all(|p| served.contains(&p.pin))
            && !active.iter().all(|p| p.position == PinPosition::Leaf)
        {
            out.push(
                Finding::warning(
                    FindingCode::LeafOnlyPins,
                    format!("the active pins of {who} match only the leaf of the given chain: a new leaf key would lock clients out; add a CA pin or a spare key"),
                )
                .at(0),
            );
        }
    }
}
