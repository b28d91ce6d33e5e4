//! Troubleshooting a served chain: findings a person can act on when pinning or TLS
//! fails. Everything here is advice; the decisions are made by path building
//! (`path`), hostname verification (`hostname`), validity (`validity`) and the policy.

use crate::chain::path::{verified_path, verified_path_towards, Goal, PathOutcome, PathRules};
use crate::chain::validity::{check_validity, expiring_soon, EXPIRY_WARNING_SECONDS};
use crate::error::{Error, Result};
use crate::finding::{Finding, FindingCode, Severity};
use crate::names::hostname::check_hostname;
use crate::pin::{HashAlgorithm, Pin};
use crate::policy::Policy;
use crate::signature::algorithm::{SignatureAlgorithm, SignatureHash};
use crate::signature::verify::SignatureVerifier;
use crate::time::UnixTime;
use crate::x509::cert::{signature_algorithm_name, Certificate};

/// The pins that decide for `hostname` under `policy`: the active pins of the entry
/// `check` would use (`Policy::find`), or `None` when no entry pins the host.
pub fn policy_pins(policy: &Policy, hostname: Option<&str>) -> Result<Option<Vec<Pin>>> {
    let hostname = hostname.ok_or_else(|| Error::InvalidArgument {
        argument: "hostname".into(),
        reason: "diagnose needs the hostname to find the policy's entry".into(),
    })?;
    let host = crate::names::host::normalize_hostname(hostname)?;
    Ok(policy
        .find(&host)
        .map(|(_, entry)| entry.active_pins().into_iter().map(|p| p.pin).collect()))
}

/// The pins `diagnose` expects: those `policy` gives for `hostname` (`policy_pins`), or
/// the caller's own `pins`, never both. `pins` is read only once the policy is known not
/// to be given, so "not both" is refused before any fault in the pins is.
pub fn expected_pins(
    policy: Option<&Policy>,
    hostname: Option<&str>,
    pins: Option<impl FnOnce() -> Result<Vec<Pin>>>,
) -> Result<Option<Vec<Pin>>> {
    let from_policy = policy.map(|p| policy_pins(p, hostname)).transpose()?;
    match (from_policy, pins) {
        (from_policy, None) => Ok(from_policy.flatten()),
        (Some(_), Some(_)) => Err(Error::InvalidArgument {
            argument: "options".into(),
            reason: "give either pins or policy, not both".into(),
        }),
        (None, Some(read)) => read().map(Some),
    }
}

/// A path with more certificates than this is "unusually long" (leaf, 3 intermediates).
pub const LONG_PATH_THRESHOLD: usize = 4;
/// RSA keys below this many bits are weak (CA/Browser Forum baseline requirements).
pub const MIN_RSA_STRENGTH: u32 = 2048;

/// What to diagnose against.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DiagnoseOptions {
    /// The host the client connects to; no hostname check without it.
    pub hostname: Option<String>,
    /// Supplied by the host; certificates are checked at its whole second.
    pub now: UnixTime,
    /// The pins the client expects (from a policy); no pin check without them.
    pub expected_pins: Option<Vec<Pin>>,
}

/// Troubleshooting findings for `certs` (input order, leaf first), most severe first;
/// signatures are checked with `verifier`.
pub fn diagnose(
    certs: &[Certificate],
    options: &DiagnoseOptions,
    verifier: &dyn SignatureVerifier,
) -> Vec<Finding> {
    let Some(leaf) = certs.first() else {
        return vec![Finding::error(
            FindingCode::NoChain,
            "no certificate was given: pass the chain the server sent, leaf first",
        )];
    };
    let now = options.now.whole_seconds();
    let mut outcome = verified_path(certs, verifier);
    let mut validity = check_validity(certs, &outcome.path, now, 0);
    if outcome.valid && validity.expired {
        // As a check does: look for a path whose certificates are all in their period
        // (past an expired cross-sign), the pinned top aside.
        let pinned = |i: usize| {
            i > 0
                && options.expected_pins.as_ref().is_some_and(|pins| {
                    certs
                        .get(i)
                        .is_some_and(|c| pins.iter().any(|p| c.pin(p.algorithm()) == *p))
                })
        };
        let accept = |_: &[usize]| true;
        let goal = Goal {
            now,
            skew: 0,
            anchor: &pinned,
            accept: &accept,
            spent: outcome.cost,
        };
        let second = verified_path_towards(certs, &PathRules::default(), &goal, verifier);
        if second.valid {
            let checked = match second.path.split_last() {
                Some((top, below)) if !below.is_empty() && pinned(*top) => below,
                _ => second.path.as_slice(),
            };
            validity = check_validity(certs, checked, now, 0);
            outcome = second;
        }
    }
    let mut findings = outcome.findings.clone();

    findings.extend(order_findings(certs, &outcome));
    findings.extend(duplicate_findings(certs));
    findings.extend(validity.findings);
    findings.extend(expiring_soon(
        certs,
        &outcome.path,
        now,
        EXPIRY_WARNING_SECONDS,
    ));
    if let Some(hostname) = &options.hostname {
        findings.extend(check_hostname(leaf, hostname).findings);
    }
    if let Some(pins) = &options.expected_pins {
        findings.extend(pin_findings(certs, &outcome, pins));
    }
    findings.extend(certificate_findings(certs, &outcome, &findings));
    // Revocation: OCSP responders, CRLs, must-staple, CRL-only CAs.
    findings.extend(crate::revocation::info_findings(certs));
    // Certificate Transparency: the SCTs each certificate embeds.
    findings.extend(crate::ct::diagnose_findings(certs));
    // Most severe first; within a severity, the order the checks ran.
    crate::sort::sort_by(&mut findings, |a, b| a.severity.cmp(&b.severity));
    findings
}

fn subject(certs: &[Certificate], index: usize) -> &str {
    certs
        .get(index)
        .map(|c| c.facts().subject.as_str())
        .unwrap_or_default()
}

fn order_findings(certs: &[Certificate], outcome: &PathOutcome) -> Vec<Finding> {
    let mut findings = vec![];
    let in_order = outcome.path.iter().enumerate().all(|(i, p)| i == *p);
    if outcome.valid && !in_order {
        findings.push(Finding::warning(
            FindingCode::ChainOutOfOrder,
            format!(
                "the server sends its chain out of order; the verified order is input indices [{}] ({}): configure the server to send the leaf, then each issuer in turn",
                outcome.path.iter().map(usize::to_string).collect::<Vec<_>>().join(", "),
                outcome.path.iter().map(|i| subject(certs, *i)).collect::<Vec<_>>().join(" <- "),
            ),
        ));
    }
    if outcome.valid && !outcome.ends_at_self_signed {
        if let Some(&last) = outcome.path.last() {
            let issuer = certs
                .get(last)
                .map(|c| c.facts().issuer.as_str())
                .unwrap_or_default();
            if outcome.path.len() == 1 {
                findings.push(
                    Finding::warning(
                        FindingCode::MissingIntermediate,
                        format!(
                            "the server sent the leaf only, and its issuer ({issuer}) was not served: clients that do not already hold that intermediate fail; configure the server to send the intermediate certificate(s) after the leaf"
                        ),
                    )
                    .at(last),
                );
            } else {
                findings.push(
                    Finding::info(
                        FindingCode::ChainEndsBelowRoot,
                        format!(
                            "the path ends at certificate {last} ({}), whose issuer ({issuer}) was not served; that is normal when the issuer is a root in the client's trust store, otherwise an intermediate is missing",
                            subject(certs, last)
                        ),
                    )
                    .at(last),
                );
            }
        }
    }
    findings
}

fn duplicate_findings(certs: &[Certificate]) -> Vec<Finding> {
    let mut findings = vec![];
    for (index, cert) in certs.iter().enumerate() {
        if let Some(first) = certs.iter().take(index).position(|c| c.der() == cert.der()) {
            findings.push(
                Finding::warning(
                    FindingCode::DuplicateCertificate,
                    format!(
                        "certificate {index} ({}) is the same certificate as certificate {first}: remove the duplicate from the server's chain",
                        cert.facts().subject
                    ),
                )
                .at(index),
            );
        }
    }
    findings
}

fn pin_findings(certs: &[Certificate], outcome: &PathOutcome, pins: &[Pin]) -> Vec<Finding> {
    let mut findings = vec![];
    let matches = |index: usize| -> Option<&Pin> {
        let cert = certs.get(index)?;
        pins.iter().find(|p| cert.pin(p.algorithm()) == **p)
    };
    let on_path: Vec<(usize, &Pin)> = if outcome.valid {
        outcome
            .path
            .iter()
            .filter_map(|i| matches(*i).map(|p| (*i, p)))
            .collect()
    } else {
        vec![]
    };
    for index in 0..certs.len() {
        let on_verified = outcome.valid && outcome.path.contains(&index);
        if let (false, Some(pin)) = (on_verified, matches(index)) {
            findings.push(
                Finding::error(
                    FindingCode::PinOnUnverifiedCert,
                    format!(
                        "the expected pin {pin} matches certificate {index} ({}), which is not on a signature-verified path from the leaf: it does not count (an appended certificate proves nothing)",
                        subject(certs, index)
                    ),
                )
                .at(index),
            );
        }
    }
    match on_path.first() {
        Some((index, pin)) => findings.push(
            Finding::info(
                FindingCode::PinMatched,
                format!(
                    "the expected pin {pin} matches certificate {index} ({}) on the verified path",
                    subject(certs, *index)
                ),
            )
            .at(*index),
        ),
        None => {
            let served: Vec<String> = certs
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    format!(
                        "    {}: {}{}",
                        c.pin(HashAlgorithm::Sha256),
                        c.facts().subject,
                        if outcome.valid && outcome.path.contains(&i) {
                            ""
                        } else {
                            " (not on the verified path)"
                        }
                    )
                })
                .collect();
            let expected: Vec<String> = pins.iter().map(|p| format!("    {p}")).collect();
            findings.push(Finding::error(
                FindingCode::PinMismatch,
                format!(
                    "no expected pin matches the verified chain.\n  Peer certificate chain:\n{}\n  Expected pins:\n{}\nIf the server changed its key, update the pins (keep a backup pin for the next key); if not, the connection may be intercepted",
                    served.join("\n"),
                    expected.join("\n")
                ),
            ));
        }
    }
    findings
}

fn certificate_findings(
    certs: &[Certificate],
    outcome: &PathOutcome,
    so_far: &[Finding],
) -> Vec<Finding> {
    let mut findings = vec![];
    let Some(leaf) = certs.first() else {
        return findings;
    };
    if leaf.facts().is_ca {
        findings.push(
            Finding::warning(
                FindingCode::LeafIsCa,
                format!(
                    "the leaf ({}) is a CA certificate: a server certificate should not have the CA basic constraint; check that the chain is given leaf first",
                    leaf.facts().subject
                ),
            )
            .at(0),
        );
    }
    if !leaf.facts().has_san {
        findings.push(
            Finding::warning(
                FindingCode::NoSubjectAltName,
                "the leaf has no subjectAltName extension: current clients ignore the subject common name, so it matches no hostname; reissue it with the hostnames in subjectAltName",
            )
            .at(0),
        );
    }
    if outcome.path.len() > LONG_PATH_THRESHOLD {
        findings.push(Finding::warning(
            FindingCode::LongPath,
            format!(
                "the verified path has {} certificates (more than {LONG_PATH_THRESHOLD} is unusual): check that the server sends only its own intermediates, not cross-signed extras",
                outcome.path.len()
            ),
        ));
    }
    for (index, cert) in certs.iter().enumerate() {
        let f = cert.facts();
        if f.key.algorithm == "RSA" && f.key.size_bits.is_some_and(|b| b < MIN_RSA_STRENGTH) {
            findings.push(
                Finding::warning(
                    FindingCode::WeakKey,
                    format!(
                        "certificate {index} ({}) has a {}-bit RSA key: use at least {MIN_RSA_STRENGTH} bits",
                        f.subject,
                        f.key.size_bits.unwrap_or(0)
                    ),
                )
                .at(index),
            );
        }
        let algorithm = SignatureAlgorithm::of_certificate(cert);
        let sha1 = matches!(&algorithm, Ok(a) if a.hash() == Some(SignatureHash::Sha1))
            || f.signature_algorithm_oid == "1.2.840.10045.4.1";
        // A self-signed root's own signature is never relied on.
        // (When SHA-1 made the path invalid, a self-issued certificate above the leaf
        // with matching key identifiers is taken as the root.)
        let root = (outcome.ends_at_self_signed && outcome.path.last() == Some(&index))
            || (!outcome.valid && index > 0 && cert.looks_self_signed());
        if sha1 && !root {
            findings.push(
                Finding::warning(
                    FindingCode::Sha1Signature,
                    format!(
                        "certificate {index} ({}) is signed with SHA-1 ({}), which is broken for signatures and refused by current clients: reissue it with SHA-256",
                        f.subject,
                        signature_algorithm_name(&f.signature_algorithm_oid)
                    ),
                )
                .at(index),
            );
        }
        let reported = so_far.iter().any(|x| {
            x.code == FindingCode::SignatureAlgorithmUnsupported && x.cert_index == Some(index)
        });
        if let (Err(name), false) = (&algorithm, reported) {
            findings.push(
                Finding::new(
                    FindingCode::SignatureAlgorithmUnsupported,
                    Severity::Warning,
                    format!(
                        "certificate {index} ({}) is signed with {name}, which certpin does not verify: a link from it cannot be checked",
                        f.subject
                    ),
                )
                .at(index),
            );
        }
    }
    findings
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    // printf abc | openssl dgst -sha256 -binary | base64
    const P1: &str = "sha256/ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=";

    fn policy() -> Policy {
        let text = format!(r#"{{"version":1,"domains":[{{"host":"a.example","pins":["{P1}"]}}]}}"#);
        Policy::from_json(&text).unwrap()
    }

    fn own_pins() -> Option<impl FnOnce() -> Result<Vec<Pin>>> {
        Some(|| Ok(vec![Pin::parse(P1)?]))
    }

    #[test]
    fn pins_come_from_the_policy_or_the_caller_never_both() {
        let policy = policy();
        let none: Option<fn() -> Result<Vec<Pin>>> = None;
        let from_policy = expected_pins(Some(&policy), Some("a.example"), none).unwrap();
        assert_eq!(from_policy, Some(vec![Pin::parse(P1).unwrap()]));
        let unpinned = expected_pins(Some(&policy), Some("b.example"), none).unwrap();
        assert_eq!(unpinned, None);
        assert_eq!(expected_pins(None, None, none).unwrap(), None);
        let own = expected_pins(None, None, own_pins()).unwrap();
        assert_eq!(own, Some(vec![Pin::parse(P1).unwrap()]));
        // Refused even when the policy does not pin the host, before the pins are read.
        let never_read = Some(|| -> Result<Vec<Pin>> { panic!("pins read") });
        for host in ["a.example", "b.example"] {
            match expected_pins(Some(&policy), Some(host), never_read) {
                Err(Error::InvalidArgument { argument, reason }) => {
                    assert_eq!(argument, "options");
                    assert_eq!(reason, "give either pins or policy, not both");
                }
                other => panic!("{other:?}"),
            }
        }
    }
}
