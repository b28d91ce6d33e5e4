//! Watching the logs: given certificates the user obtained from CT logs for
//! their names, which unexpired ones would no active pin of their host accept? Each is a
//! possible misissuance, or a lockout waiting for the next deployment. When the
//! certificate's verified path reaches a CA key the policy pins somewhere (any entry,
//! active or candidate), that pin is suggested as a candidate for the host.

use crate::chain::CertificateSummary;
use crate::limits::{MAX_DRIFT_BYTES, MAX_DRIFT_CERTIFICATES, MAX_DRIFT_PATH};
use crate::names::hostname::dns_name_matches;
use crate::pin::HashAlgorithm;
use crate::policy::{DomainEntry, PinState, Policy};
use crate::time::UnixTime;
use crate::x509::cert::Certificate;
use serde::Serialize;

/// One certificate no active pin of `host` accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DriftCertificate {
    /// Index in the input list.
    pub cert_index: usize,
    #[serde(flatten)]
    pub summary: CertificateSummary,
    /// The leaf's own pin.
    pub spki_sha256: String,
    pub fingerprint_sha256: String,
    /// Input indices of the verified path (leaf first) built from the given certificates.
    pub verified_path: Vec<usize>,
    /// Why it is listed.
    pub reason: String,
    /// A pin to add as a candidate for the host: a CA key on the certificate's verified
    /// path that the policy already pins for some host; null when it reaches none (then
    /// nothing vouches for it: check it is yours before pinning anything).
    pub suggested_pin: Option<String>,
}

/// The certificates of one pinned host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DriftHost {
    /// The entry's host as the policy writes it.
    pub host: String,
    /// Unexpired certificates for it that an active pin accepts.
    pub accepted: usize,
    /// Unexpired certificates for it that no active pin accepts.
    pub unpinned: Vec<DriftCertificate>,
}

/// The answer of `ctDrift`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DriftReport {
    pub now: String,
    /// Certificates given, and how many were leaves valid now or later.
    pub certificates: usize,
    pub unexpired_leaves: usize,
    /// One per policy entry that is not expired, in policy order.
    pub hosts: Vec<DriftHost>,
}

/// A name the wildcard SAN `*.rest` covers, to find the entry that applies to its names.
fn probe_name(san: &str) -> Option<String> {
    let lower = san.to_ascii_lowercase();
    let name = lower.strip_suffix('.').unwrap_or(&lower);
    match name.strip_prefix("*.") {
        Some(rest) => Some(format!("certpin-wildcard-probe.{rest}")),
        None if name.contains('*') => None,
        None => Some(name.to_string()),
    }
}

/// Whether the entry at `index` is the one that applies to a name `leaf` covers.
fn applies(policy: &Policy, index: usize, entry: &DomainEntry, leaf: &Certificate) -> bool {
    let names = &leaf.facts().dns_names;
    if let crate::names::host::HostPattern::Exact(host) = &entry.host {
        if names.iter().any(|san| dns_name_matches(san, host)) {
            return true;
        }
    }
    names.iter().filter_map(|san| probe_name(san)).any(|name| {
        crate::names::host::normalize_hostname(&name)
            .ok()
            .and_then(|n| policy.find(&n))
            .is_some_and(|(i, _)| i == index)
    })
}

/// The leaf followed by the given CA certificates that may issue along its path (by
/// name), at most `MAX_DRIFT_PATH` in all: what path building needs.
fn candidate_chain(leaf: usize, certs: &[Certificate]) -> Vec<usize> {
    let mut chain = vec![leaf];
    let mut frontier = vec![leaf];
    while let Some(current) = frontier.pop() {
        let Some(child) = certs.get(current) else {
            continue;
        };
        for (i, c) in certs.iter().enumerate() {
            if chain.len() >= MAX_DRIFT_PATH {
                return chain;
            }
            if c.facts().is_ca && c.subject_der() == child.issuer_der() && !chain.contains(&i) {
                chain.push(i);
                frontier.push(i);
            }
        }
    }
    chain
}

/// The certificates of `count` inputs (each PEM text of one or more blocks, or DER
/// bytes), read in order and numbered in that order, within `MAX_DRIFT_CERTIFICATES`
/// and `MAX_DRIFT_BYTES`. Each input is read, counted and parsed before the next one is
/// read, so the first fault met is the one reported.
pub fn drift_certificates(
    count: usize,
    inputs: impl IntoIterator<Item = crate::error::Result<Vec<crate::input::Part>>>,
) -> crate::error::Result<Vec<Certificate>> {
    use crate::error::Error;
    let limit = MAX_DRIFT_CERTIFICATES;
    if count > limit {
        return Err(Error::TooManyCertificates { count, limit });
    }
    let mut certs = Vec::new();
    let mut bytes = 0usize;
    for parts in inputs {
        let parts = parts?;
        bytes += crate::input::input_bytes(&parts);
        if bytes > MAX_DRIFT_BYTES {
            return Err(Error::InputTooLarge {
                bytes,
                limit: MAX_DRIFT_BYTES,
            });
        }
        certs.extend(crate::chain::parse_chain(&parts)?);
        if certs.len() > limit {
            return Err(Error::TooManyCertificates {
                count: certs.len(),
                limit,
            });
        }
    }
    Ok(certs)
}

/// `ctDrift(policy, certificates, { now })`.
pub fn ct_drift(
    policy: &Policy,
    certs: &[Certificate],
    at: UnixTime,
    verifier: &dyn crate::signature::verify::SignatureVerifier,
) -> DriftReport {
    let now = at.whole_seconds();
    let leaves: Vec<usize> = certs
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.facts().is_ca && c.facts().not_after >= now)
        .map(|(i, _)| i)
        .collect();
    // Pins anywhere in the policy that are not revoked: a CA key among them vouches for
    // a certificate it issued.
    let known_pins: Vec<&crate::pin::Pin> = policy
        .domains()
        .iter()
        .flat_map(|d| d.pins.iter())
        .filter(|p| p.state != PinState::Revoked)
        .map(|p| &p.pin)
        .collect();
    // Paths per leaf, built once.
    let paths: Vec<(usize, Vec<usize>)> = leaves
        .iter()
        .map(|&leaf| {
            let chain = candidate_chain(leaf, certs);
            let subset: Vec<Certificate> = chain
                .iter()
                .filter_map(|i| certs.get(*i).cloned())
                .collect();
            let outcome = crate::chain::path::pin_path(&subset, verifier);
            let path = outcome
                .path
                .iter()
                .filter_map(|i| chain.get(*i).copied())
                .collect();
            (leaf, path)
        })
        .collect();
    let mut hosts = Vec::new();
    for (index, entry) in policy.domains().iter().enumerate() {
        if entry.expired_at(at) {
            continue;
        }
        let mut host = DriftHost {
            host: entry.describe(),
            accepted: 0,
            unpinned: Vec::new(),
        };
        for (leaf_index, path) in &paths {
            let Some(leaf) = certs.get(*leaf_index) else {
                continue;
            };
            if !applies(policy, index, entry, leaf) {
                continue;
            }
            let on_path = |state: PinState| {
                entry
                    .pins
                    .iter()
                    .filter(move |p| p.state == state)
                    .find(|p| {
                        path.iter().enumerate().any(|(depth, i)| {
                            (state == PinState::Revoked || p.position.allows_depth(depth))
                                && certs
                                    .get(*i)
                                    .is_some_and(|c| c.pin(p.pin.algorithm()) == p.pin)
                        })
                    })
            };
            let revoked = on_path(PinState::Revoked);
            if on_path(PinState::Active).is_some() && revoked.is_none() {
                host.accepted += 1;
                continue;
            }
            let suggested_pin = path.iter().skip(1).find_map(|i| {
                let ca = certs.get(*i)?;
                known_pins
                    .iter()
                    .find(|p| ca.pin(p.algorithm()) == ***p)
                    .map(|_| ca.pin(HashAlgorithm::Sha256).to_string())
            });
            let reason = match (revoked, &suggested_pin) {
                (Some(p), _) => format!("its path has the revoked key {}", p.pin),
                (None, Some(pin)) => format!(
                    "no active pin of {} matches it, but it chains to {pin}, a CA key the policy pins: add that pin to the entry (as a candidate first) before this certificate is deployed",
                    entry.describe()
                ),
                (None, None) if path.len() < 2 => format!(
                    "no active pin of {} matches its key, and no given CA certificate issued it: a possible misissuance, or a new key to pin before it is deployed",
                    entry.describe()
                ),
                (None, None) => format!(
                    "no active pin of {} matches a certificate of its path, and its issuer is not pinned: a possible misissuance, or a lockout waiting for the next deployment",
                    entry.describe()
                ),
            };
            host.unpinned.push(DriftCertificate {
                cert_index: *leaf_index,
                summary: CertificateSummary::of(leaf),
                spki_sha256: leaf.pin(HashAlgorithm::Sha256).to_string(),
                fingerprint_sha256: leaf.fingerprint_sha256(),
                verified_path: path.clone(),
                reason,
                suggested_pin,
            });
        }
        hosts.push(host);
    }
    DriftReport {
        now: now.to_rfc3339(),
        certificates: certs.len(),
        unexpired_leaves: leaves.len(),
        hosts,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The JSON keys of `ctDrift`'s unpinned certificates, in their order.
    #[test]
    fn drift_certificate_json_keys_and_order() {
        let s = |t: &str| t.to_string();
        let drift = DriftCertificate {
            cert_index: 2,
            summary: crate::chain::tests::summary(),
            spki_sha256: s("sha256/x"),
            fingerprint_sha256: s("ff"),
            verified_path: vec![2, 0],
            reason: s("why"),
            suggested_pin: None,
        };
        assert_eq!(
            serde_json::to_string(&drift).unwrap(),
            concat!(
                r#"{"certIndex":2,"subject":"CN=a","issuer":"CN=b","serialNumber":"01","#,
                r#""notBefore":"2026-01-01T00:00:00Z","notAfter":"2027-01-01T00:00:00Z","#,
                r#""dnsNames":["a.example"],"spkiSha256":"sha256/x","fingerprintSha256":"ff","#,
                r#""verifiedPath":[2,0],"reason":"why","suggestedPin":null}"#
            )
        );
    }
}
