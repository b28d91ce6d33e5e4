//! Certificate Transparency: the SCTs embedded in a leaf (RFC 6962 section 3.3),
//! verified against the keys of a host-supplied log list (v3 JSON), and judged by a named
//! CT policy (Chrome's `ct_policy.md`, Apple's support.apple.com/103214).
//!
//! An SCT is verified over the precertificate TBS rebuilt from the leaf's TBS DER
//! (`sct::embedded`) with `issuer_key_hash` taken from the issuer whose signature over the
//! leaf verified (the verified path), through the installed `SignatureVerifier`, so Node
//! and Deno use `node:crypto` and every other host RustCrypto. Nothing here fetches a log
//! list or reads a clock.
//!
//! CT is what public browsers require of publicly trusted certificates; like pinning it
//! adds to a TLS stack's own validation and does not replace it.

mod drift;
mod loglist;
mod sct;

pub use drift::{ct_drift, drift_certificates, DriftCertificate, DriftHost, DriftReport};
pub use loglist::{Log, LogList, LogState};
pub use sct::{embedded, signed_data, Sct};

use crate::finding::{Finding, FindingCode};
use crate::signature::algorithm::{SignatureAlgorithm, SignatureHash};
use crate::signature::verify::{check_key, SignatureVerifier, VerifyOutcome};
use crate::time::UnixTime;
use crate::x509::cert::Certificate;
use crate::x509::spki::spki_of_public_key;
use base64::Engine as _;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Log ids of the two "mimic" logs that Google's frozen library lists carry (2026): their
/// private keys are public, so an SCT from them proves nothing and never counts.
pub const MIMIC_LOG_IDS: [&str; 2] = [
    "9EGV1vAOLbVUNcrdV3iS5T4VrUFwWPh44U/2uRh0FYk=",
    "si9+3rWvav5QPeBAgbLXTBJThJL+3yyypSZQPO9TztI=",
];

/// A log list this old (or older) at `now` makes enforcement fail open, as Chrome does:
/// 70 days.
pub const LOG_LIST_MAX_AGE_MS: i64 = 70 * 86_400_000;

/// A named CT policy; Chrome's unless another is asked for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CtPolicy {
    /// Chrome (`ct_policy.md`): embedded SCTs from 2 distinct logs for a lifetime of at
    /// most 180 days (notAfter − notBefore), else 3; at least 2 distinct operators (the
    /// operator at SCT time); at least one of the counted logs qualified, usable or
    /// read-only now; a retired log counts only for SCTs made before its retirement.
    #[default]
    Chrome,
    /// Apple (support.apple.com/103214): 2 distinct logs for a lifetime (notBefore
    /// through notAfter inclusive, days of 86,400 s, a part day counting as a day) of at
    /// most 180 days with at most 1 counted per operator, else 3 with at most 2 per
    /// operator; at least one counted log currently approved. Retired logs count for
    /// SCTs made before retirement ("once approved").
    Apple,
}

impl CtPolicy {
    pub fn name(self) -> &'static str {
        match self {
            CtPolicy::Chrome => "chrome",
            CtPolicy::Apple => "apple",
        }
    }
}

impl core::str::FromStr for CtPolicy {
    type Err = crate::error::Error;
    fn from_str(s: &str) -> crate::error::Result<CtPolicy> {
        match s {
            "chrome" => Ok(CtPolicy::Chrome),
            "apple" => Ok(CtPolicy::Apple),
            other => Err(crate::error::Error::InvalidArgument {
                argument: "policy".into(),
                reason: format!("{other:?} is not a CT policy: use \"chrome\" or \"apple\""),
            }),
        }
    }
}

/// One SCT as judged (the JS `verifyScts` `scts[]`, plus `counts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SctResult {
    /// Standard base64 of the log id.
    pub log_id: String,
    /// The log's description in the list; null for a log the list does not have.
    pub log: Option<String>,
    /// The log's operator at the SCT's time.
    pub operator: Option<String>,
    /// RFC 3339 with milliseconds: `2026-02-02T09:36:40.442Z`.
    pub timestamp: String,
    /// The signature verifies with the listed key of that log.
    pub valid: bool,
    /// It counts toward the policy.
    pub counts: bool,
    /// Why it is not valid or does not count; null when it counts.
    pub reason: Option<String>,
    pub signature_algorithm: String,
}

/// The verdict of `verifyScts` (README "Certificate Transparency").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CtVerdict {
    /// The chain satisfies the policy, or the list was too old to enforce (`failOpen`).
    pub compliant: bool,
    pub policy: &'static str,
    pub scts: Vec<SctResult>,
    pub findings: Vec<Finding>,
    /// Distinct counted logs, and how many the policy requires for this lifetime.
    pub distinct_logs: usize,
    pub required_logs: usize,
    /// Distinct operators among the counted SCTs.
    pub operators: usize,
    /// The leaf's lifetime (notAfter − notBefore) in days, a part day counting as a day.
    pub lifetime_days: i64,
    /// True when the list is 70 days old or more at `now`: not enforced.
    pub fail_open: bool,
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Verifies one SCT's signature with `log`'s key: `Ok(())` or the reason it fails.
fn verify_sct(
    sct: &Sct,
    log: &Log,
    issuer_key_hash: &[u8; 32],
    precert_tbs: &[u8],
    verifier: &dyn SignatureVerifier,
) -> Result<(), String> {
    if sct.version != 0 {
        return Err(format!("unsupported SCT version {}", sct.version));
    }
    let key =
        spki_of_public_key(&log.key, 0).map_err(|_| "the log's key is malformed".to_string())?;
    // RFC 6962 section 2.1.4: logs sign with ECDSA P-256 or RSA (2048 bits or more),
    // always with SHA-256.
    let algorithm = match (sct.hash_algorithm, sct.signature_algorithm) {
        (4, 3) if key.algorithm == "EC" && key.curve.as_deref() == Some("P-256") => {
            SignatureAlgorithm::Ecdsa {
                hash: SignatureHash::Sha256,
            }
        }
        (4, 1) if key.algorithm == "RSA" && key.size_bits.is_some_and(|b| b >= 2048) => {
            SignatureAlgorithm::RsaPkcs1 {
                hash: SignatureHash::Sha256,
            }
        }
        (4, 3) | (4, 1) => {
            return Err("the signature algorithm does not fit the log's key".into());
        }
        _ => {
            return Err(format!(
                "unsupported signature algorithm {}",
                sct.signature_algorithm_name()
            ))
        }
    };
    let message = signed_data(sct, issuer_key_hash, precert_tbs)
        .ok_or_else(|| "the certificate is too large to have been logged".to_string())?;
    if let Err(outcome) = check_key(algorithm, &log.key) {
        return Err(match outcome {
            VerifyOutcome::Unsupported(why) => format!("unsupported: {why}"),
            _ => "the signature algorithm does not fit the log's key".into(),
        });
    }
    match verifier.verify(algorithm, &log.key, &message, &sct.signature) {
        VerifyOutcome::Valid => Ok(()),
        VerifyOutcome::Invalid => Err("bad signature".into()),
        VerifyOutcome::Unsupported(why) => Err(format!("unsupported: {why}")),
    }
}

/// Whether a verified SCT from `log` counts: `Err` says why not.
fn counts(sct: &Sct, log: &Log, now: UnixTime) -> Result<(), String> {
    let id = b64(&log.log_id);
    if MIMIC_LOG_IDS.contains(&id.as_str()) {
        return Err(
            "mimic log: its private key is public, so its SCTs prove nothing (never counted)"
                .into(),
        );
    }
    let at = sct.timestamp();
    if at > now {
        return Err("the SCT's timestamp is after now".into());
    }
    match log.state {
        Some((state, _)) if state.is_current() => Ok(()),
        Some((LogState::Retired, retired)) if at < retired => Ok(()),
        Some((LogState::Retired, retired)) => Err(format!(
            "the log retired at {} before this SCT",
            retired.to_rfc3339_millis()
        )),
        Some((state, _)) => Err(format!("the log is {}", state.name())),
        None => Err("the log list gives the log no state".into()),
    }
}

/// Evaluates the embedded SCTs of `certs[0]` with the issuer `issuer` (the certificate
/// whose signature over the leaf verified; `None` when none did), at `now`.
pub fn evaluate(
    leaf: &Certificate,
    issuer: Option<&Certificate>,
    log_list: &LogList,
    now: UnixTime,
    policy: CtPolicy,
    verifier: &dyn SignatureVerifier,
) -> CtVerdict {
    let mut verdict = CtVerdict {
        compliant: false,
        policy: policy.name(),
        scts: Vec::new(),
        findings: Vec::new(),
        distinct_logs: 0,
        required_logs: 0,
        operators: 0,
        lifetime_days: 0,
        fail_open: false,
    };
    let facts = leaf.facts();
    let lifetime = facts.not_after.seconds_since(facts.not_before);
    verdict.lifetime_days = lifetime.saturating_add(86_399).div_euclid(86_400);
    let short = match policy {
        CtPolicy::Chrome => lifetime <= 180 * 86_400,
        CtPolicy::Apple => lifetime.saturating_add(1) <= 180 * 86_400,
    };
    verdict.required_logs = if short { 2 } else { 3 };
    let per_operator_cap = match policy {
        CtPolicy::Chrome => usize::MAX,
        CtPolicy::Apple => verdict.required_logs - 1,
    };

    let embedded = match embedded(leaf.tbs_der()) {
        Ok(Some(e)) => Some(e),
        Ok(None) => {
            verdict.findings.push(
                Finding::error(
                    FindingCode::NoScts,
                    "the leaf embeds no SCTs (no SCT list extension, 1.3.6.1.4.1.11129.2.4.2)",
                )
                .at(0),
            );
            None
        }
        Err(why) => {
            verdict.findings.push(
                Finding::error(
                    FindingCode::SctListMalformed,
                    format!("the leaf's SCTs cannot be used: {why}"),
                )
                .at(0),
            );
            None
        }
    };
    let issuer_key_hash: Option<[u8; 32]> = issuer.map(|i| Sha256::digest(i.spki_der()).into());
    if embedded.is_some() && issuer_key_hash.is_none() {
        verdict.findings.push(Finding::error(
            FindingCode::CtNoVerifiedIssuer,
            "no served certificate verifies the leaf's signature, so its SCTs cannot be checked: serve the issuing CA certificate after the leaf",
        ));
    }
    // Counted SCTs: (log id, operator at SCT time, log is current now).
    let mut counted: Vec<([u8; 32], String, bool)> = Vec::new();
    for sct in embedded.iter().flat_map(|e| e.scts.iter()) {
        let at = sct.timestamp();
        let log = log_list.log(&sct.log_id);
        let mut result = SctResult {
            log_id: b64(&sct.log_id),
            log: log.map(|l| l.description.clone()),
            operator: log.map(|l| l.operator_at(at).to_string()),
            timestamp: at.to_rfc3339_millis(),
            valid: false,
            counts: false,
            reason: None,
            signature_algorithm: sct.signature_algorithm_name(),
        };
        let checked = match (log, &issuer_key_hash, &embedded) {
            (None, _, _) => Err("unknown log".to_string()),
            (Some(_), None, _) | (Some(_), _, None) => Err("no verified issuer".to_string()),
            (Some(log), Some(hash), Some(e)) => {
                verify_sct(sct, log, hash, &e.precert_tbs, verifier).map(|()| log)
            }
        };
        match checked {
            Err(why) => result.reason = Some(why),
            Ok(log) => {
                result.valid = true;
                match counts(sct, log, now) {
                    Err(why) => result.reason = Some(why),
                    Ok(()) => {
                        result.counts = true;
                        let current = log.state.is_some_and(|(s, _)| s.is_current());
                        counted.push((log.log_id, log.operator_at(at).to_string(), current));
                    }
                }
            }
        }
        if let Some(why) = &result.reason {
            verdict.findings.push(
                Finding::new(
                    FindingCode::SctNotCounted,
                    if result.valid {
                        crate::finding::Severity::Warning
                    } else {
                        crate::finding::Severity::Error
                    },
                    format!(
                        "SCT from {} ({}) at {} does not count: {why}",
                        result.log.as_deref().unwrap_or("an unknown log"),
                        result.log_id,
                        result.timestamp
                    ),
                )
                .at(0),
            );
        }
        verdict.scts.push(result);
    }
    // Distinct logs, with Apple's per-operator cap.
    let mut logs: Vec<([u8; 32], &str, bool)> = Vec::new();
    for (id, operator, current) in &counted {
        if let Some(entry) = logs.iter_mut().find(|(l, _, _)| l == id) {
            entry.2 |= *current;
            continue;
        }
        let from_operator = logs.iter().filter(|(_, o, _)| o == operator).count();
        if from_operator < per_operator_cap {
            logs.push((*id, operator.as_str(), *current));
        }
    }
    verdict.distinct_logs = logs.len();
    let mut operators: Vec<&str> = counted.iter().map(|(_, o, _)| o.as_str()).collect();
    crate::sort::sort(&mut operators);
    operators.dedup();
    verdict.operators = operators.len();
    let any_current = logs.iter().any(|(_, _, current)| *current);
    let mut compliant = true;
    if verdict.distinct_logs < verdict.required_logs {
        compliant = false;
        verdict.findings.push(Finding::error(
            FindingCode::CtTooFewLogs,
            format!(
                "{} distinct logs count{}; the {} policy needs {} for a lifetime of {} days",
                verdict.distinct_logs,
                if per_operator_cap < usize::MAX {
                    format!(" (at most {per_operator_cap} per operator)")
                } else {
                    String::new()
                },
                policy.name(),
                verdict.required_logs,
                verdict.lifetime_days
            ),
        ));
    }
    if verdict.operators < 2 {
        compliant = false;
        verdict.findings.push(Finding::error(
            FindingCode::CtTooFewOperators,
            format!(
                "the counted SCTs come from {} log operator{}; at least 2 distinct operators are needed",
                verdict.operators,
                if verdict.operators == 1 { "" } else { "s" }
            ),
        ));
    }
    if !counted.is_empty() && !any_current {
        compliant = false;
        verdict.findings.push(Finding::error(
            FindingCode::CtNoCurrentLog,
            "none of the counted SCTs is from a log that is qualified, usable or read-only now",
        ));
    }
    let age = now.millis_since(log_list.timestamp);
    if age >= LOG_LIST_MAX_AGE_MS {
        verdict.fail_open = true;
        verdict.findings.push(Finding::warning(
            FindingCode::CtLogListStale,
            format!(
                "the log list is {} days old (log_list_timestamp {}): CT is not enforced with a list 70 days old or more (fail open, as Chrome does); the chain {} the policy; supply a fresh list",
                age.div_euclid(86_400_000),
                log_list.timestamp.to_rfc3339_millis(),
                if compliant { "satisfies" } else { "does not satisfy" }
            ),
        ));
        compliant = true;
    } else if compliant {
        verdict.findings.push(Finding::info(
            FindingCode::CtCompliant,
            format!(
                "{} distinct logs from {} operators: the {} CT policy is satisfied",
                verdict.distinct_logs,
                verdict.operators,
                policy.name()
            ),
        ));
    }
    verdict.compliant = compliant;
    verdict
}

/// `verifyScts`: builds the verified path from the leaf with `verifier` and evaluates
/// the leaf's SCTs with the issuer that signed it.
pub fn verify_scts(
    certs: &[Certificate],
    log_list: &LogList,
    now: UnixTime,
    policy: CtPolicy,
    verifier: &dyn SignatureVerifier,
) -> CtVerdict {
    let issuer = verified_issuer(certs, verifier);
    match certs.first() {
        Some(leaf) => evaluate(leaf, issuer, log_list, now, policy, verifier),
        None => CtVerdict {
            compliant: false,
            policy: policy.name(),
            scts: vec![],
            findings: vec![Finding::error(
                FindingCode::NoScts,
                "no certificates were given",
            )],
            distinct_logs: 0,
            required_logs: 0,
            operators: 0,
            lifetime_days: 0,
            fail_open: false,
        },
    }
}

/// The certificate whose signature over the leaf verified: the second element of the
/// verified path. A link that verified is used even when the rest of the path was refused
/// (an expired root, a SHA-1 link above): `issuer_key_hash` needs the key that signed the
/// leaf, not a trusted path.
///
/// Identifying the issuer is not accepting the chain, so the path is built with the
/// relaxed algorithm rules (SHA-1 links, RSA keys down to 1024 bits): the RFC 6962 test
/// vectors and older real chains are signed that way, and `check` refuses such a chain by
/// its own rules whatever its SCTs say.
pub fn verified_issuer<'a>(
    certs: &'a [Certificate],
    verifier: &dyn SignatureVerifier,
) -> Option<&'a Certificate> {
    let rules = crate::chain::path::PathRules {
        allow_sha1: true,
        min_rsa_bits: crate::limits::MIN_RSA_BITS,
        allow_unknown_critical_extensions: false,
    };
    let outcome = crate::chain::path::pin_path_with(certs, &rules, verifier);
    issuer_on(certs, &outcome.path)
}

/// The issuer of the leaf on a path already built (input indices, leaf first).
pub fn issuer_on<'a>(certs: &'a [Certificate], path: &[usize]) -> Option<&'a Certificate> {
    match path {
        [0, issuer, ..] => certs.get(*issuer),
        _ => None,
    }
}

/// One embedded SCT as `parseChain` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SctSummary {
    pub log_id: String,
    pub timestamp: String,
    pub signature_algorithm: String,
    pub version: u8,
}

/// The SCTs a certificate embeds, for display: empty when it has none or they do not
/// parse (`diagnose` says which).
pub fn sct_summaries(cert: &Certificate) -> Vec<SctSummary> {
    match embedded(cert.tbs_der()) {
        Ok(Some(e)) => e
            .scts
            .iter()
            .map(|s| SctSummary {
                log_id: b64(&s.log_id),
                timestamp: s.timestamp().to_rfc3339_millis(),
                signature_algorithm: s.signature_algorithm_name(),
                version: s.version,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// What a pin check needs for entries with `"ct"` (check option `ct: { logList, policy? }`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CtCheck {
    pub log_list: std::rc::Rc<LogList>,
    pub policy: CtPolicy,
}

/// The CT step of a pin check for an entry with `"ct": mode`: whether the chain passes
/// (always true in report mode) and the findings. Without a log list an enforcing entry
/// fails closed: the host asked for CT and gave nothing to check it with.
pub fn check_entry(
    mode: crate::policy::Mode,
    ct: Option<&CtCheck>,
    certs: &[Certificate],
    path: &[usize],
    now: UnixTime,
    verifier: &dyn SignatureVerifier,
) -> (bool, Vec<Finding>) {
    use crate::policy::Mode;
    let enforce = mode == Mode::Enforce;
    let severity = if enforce {
        crate::finding::Severity::Error
    } else {
        crate::finding::Severity::Warning
    };
    let Some(ct) = ct else {
        return (
            !enforce,
            vec![Finding::new(
                FindingCode::CtLogListMissing,
                severity,
                format!(
                    "this entry requires Certificate Transparency (\"ct\": \"{}\") but the check was given no log list: pass ct: {{ logList }} in the check options",
                    mode.name()
                ),
            )],
        );
    };
    let Some(leaf) = certs.first() else {
        return (!enforce, vec![]);
    };
    let verdict = evaluate(
        leaf,
        issuer_on(certs, path),
        &ct.log_list,
        now,
        ct.policy,
        verifier,
    );
    let mut findings = verdict.findings;
    if !verdict.compliant {
        findings.push(
            Finding::new(
                FindingCode::CtInsufficient,
                severity,
                format!(
                    "the leaf's SCTs do not satisfy the {} CT policy ({} of {} required distinct logs, {} operators){}",
                    ct.policy.name(),
                    verdict.distinct_logs,
                    verdict.required_logs,
                    verdict.operators,
                    if enforce { "" } else { " (ct: report, not enforced)" }
                ),
            )
            .at(0),
        );
    }
    (verdict.compliant || !enforce, findings)
}

/// `diagnose`'s CT findings: the SCTs each certificate embeds (`EMBEDDED_SCTS`, info;
/// without a log list they are listed, not verified: use `verifyScts`), and SCT lists
/// that cannot be used (`SCT_LIST_MALFORMED`, warning).
pub fn diagnose_findings(certs: &[Certificate]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, cert) in certs.iter().enumerate() {
        match embedded(cert.tbs_der()) {
            Ok(None) => {}
            Ok(Some(e)) => {
                let list: Vec<String> = e
                    .scts
                    .iter()
                    .map(|s| {
                        format!(
                            "log {} at {}",
                            b64(&s.log_id),
                            s.timestamp().to_rfc3339_millis()
                        )
                    })
                    .collect();
                findings.push(
                    Finding::info(
                        FindingCode::EmbeddedScts,
                        format!(
                            "certificate {index} embeds {} SCT{}: {} (check them against a log list with verifyScts)",
                            list.len(),
                            if list.len() == 1 { "" } else { "s" },
                            list.join("; ")
                        ),
                    )
                    .at(index),
                );
            }
            Err(why) => findings.push(
                Finding::warning(
                    FindingCode::SctListMalformed,
                    format!("certificate {index}: its SCTs cannot be used: {why}"),
                )
                .at(index),
            ),
        }
    }
    findings
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::sct::parse_sct_list;
    use super::*;
    use crate::limits::MAX_SCTS_PER_CERTIFICATE;

    fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        crate::input::der::write(&mut out, tag, body);
        out
    }

    /// A TBS-shaped SEQUENCE: a version, a big field (forcing long-form lengths) and the
    /// extensions `exts`.
    fn tbs_with(exts: &[Vec<u8>], filler: usize) -> Vec<u8> {
        let mut body = tlv(0xa0, &tlv(0x02, &[2]));
        body.extend(tlv(0x04, &vec![0x55; filler]));
        body.extend(tlv(0xa3, &tlv(0x30, &exts.concat())));
        tlv(0x30, &body)
    }

    fn sct_extension(list: &[u8]) -> Vec<u8> {
        let oid = [
            0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xd6, 0x79, 0x02, 0x04, 0x02,
        ];
        let mut body = oid.to_vec();
        body.extend(tlv(0x04, &tlv(0x04, list)));
        tlv(0x30, &body)
    }

    fn one_sct_list() -> Vec<u8> {
        let mut sct = vec![0u8];
        sct.extend([7u8; 32]);
        sct.extend(1_700_000_000_000u64.to_be_bytes());
        sct.extend([0, 0, 4, 3, 0, 2, 0xaa, 0xbb]);
        let mut items = (sct.len() as u16).to_be_bytes().to_vec();
        items.extend(sct);
        let mut list = (items.len() as u16).to_be_bytes().to_vec();
        list.extend(items);
        list
    }

    #[test]
    fn precert_tbs_drops_the_sct_extension_and_fixes_every_length() {
        let other = tlv(
            0x30,
            &[0x06, 0x03, 0x55, 0x1d, 0x13, 0x04, 0x02, 0x30, 0x00],
        );
        // 300 bytes of filler: the outer lengths go from 2-byte to 2-byte long form, and
        // for 100 from long form to short form once the SCT extension is removed.
        for filler in [10usize, 100, 300, 70_000] {
            let with = tbs_with(&[other.clone(), sct_extension(&one_sct_list())], filler);
            let without = tbs_with(std::slice::from_ref(&other), filler);
            let e = embedded(&with).unwrap().unwrap();
            assert_eq!(e.precert_tbs, without, "filler {filler}");
            assert_eq!(e.scts.len(), 1);
            assert_eq!(e.scts[0].timestamp_ms, 1_700_000_000_000);
            assert_eq!(e.scts[0].signature, vec![0xaa, 0xbb]);
            // The SCT extension in the middle of the list is removed as well.
            let middle = tbs_with(
                &[other.clone(), sct_extension(&one_sct_list()), other.clone()],
                filler,
            );
            let kept = tbs_with(&[other.clone(), other.clone()], filler);
            assert_eq!(embedded(&middle).unwrap().unwrap().precert_tbs, kept);
        }
        // Only the SCT extension: the precert has no extensions field at all.
        let alone = tbs_with(&[sct_extension(&one_sct_list())], 5);
        let mut body = tlv(0xa0, &tlv(0x02, &[2]));
        body.extend(tlv(0x04, &[0x55; 5]));
        assert_eq!(
            embedded(&alone).unwrap().unwrap().precert_tbs,
            tlv(0x30, &body)
        );
        // No SCT extension: nothing.
        assert_eq!(
            embedded(&tbs_with(std::slice::from_ref(&other), 5)).unwrap(),
            None
        );
    }

    #[test]
    fn refuses_what_must_not_be_guessed() {
        let sct = sct_extension(&one_sct_list());
        let two = tbs_with(&[sct.clone(), sct.clone()], 5);
        assert!(embedded(&two).unwrap_err().contains("two SCT list"));
        let mut trailing = one_sct_list();
        trailing.push(0);
        assert!(embedded(&tbs_with(&[sct_extension(&trailing)], 5))
            .unwrap_err()
            .contains("trailing"));
        let mut truncated = one_sct_list();
        truncated.pop();
        assert!(embedded(&tbs_with(&[sct_extension(&truncated)], 5)).is_err());
        assert!(embedded(&tbs_with(&[sct_extension(&[0, 0])], 5))
            .unwrap_err()
            .contains("empty"));
        // Garbage after the TBS SEQUENCE, or not DER.
        let mut after = tbs_with(&[sct], 5);
        after.push(0);
        assert!(embedded(&after).is_err());
        assert!(embedded(&[0x30, 0x81, 0x01, 0x00]).is_err());
        // Too many SCTs is a bound, not a loop.
        let one = one_sct_list();
        let item = &one[2..];
        let mut items = Vec::new();
        for _ in 0..=MAX_SCTS_PER_CERTIFICATE {
            items.extend_from_slice(item);
        }
        let mut list = (items.len() as u16).to_be_bytes().to_vec();
        list.extend(items);
        assert!(parse_sct_list(&list).unwrap_err().contains("more than"));
    }

    #[test]
    fn signed_data_is_the_rfc_6962_layout() {
        let sct = parse_sct_list(&one_sct_list()).unwrap().remove(0);
        let data = signed_data(&sct, &[9u8; 32], &[1, 2, 3]).unwrap();
        let mut expected = vec![0u8, 0];
        expected.extend(1_700_000_000_000u64.to_be_bytes());
        expected.extend([0, 1]);
        expected.extend([9u8; 32]);
        expected.extend([0, 0, 3, 1, 2, 3, 0, 0]);
        assert_eq!(data, expected);
    }

    fn log(id: [u8; 32], state: Option<(LogState, UnixTime)>) -> Log {
        Log {
            log_id: id,
            key: vec![],
            description: "test".into(),
            operator: "Now".into(),
            previous_operators: vec![
                ("First".into(), UnixTime::from_millis(1_000)),
                ("Second".into(), UnixTime::from_millis(2_000)),
            ],
            state,
        }
    }

    #[test]
    fn mimic_logs_never_count_and_states_decide() {
        let sct = |ts: u64| Sct {
            version: 0,
            log_id: [0; 32],
            timestamp_ms: ts,
            extensions: vec![],
            hash_algorithm: 4,
            signature_algorithm: 3,
            signature: vec![],
        };
        let b64 = base64::engine::general_purpose::STANDARD;
        for mimic in MIMIC_LOG_IDS {
            let id: [u8; 32] = b64.decode(mimic).unwrap().try_into().unwrap();
            let usable = log(id, Some((LogState::Usable, UnixTime::from_millis(0))));
            assert!(counts(&sct(10), &usable, UnixTime::from_millis(100))
                .unwrap_err()
                .contains("mimic"));
        }
        let retired = log(
            [1; 32],
            Some((LogState::Retired, UnixTime::from_millis(50))),
        );
        assert!(counts(&sct(49), &retired, UnixTime::from_millis(100)).is_ok());
        assert!(counts(&sct(50), &retired, UnixTime::from_millis(100)).is_err());
        assert!(counts(&sct(10), &log([1; 32], None), UnixTime::from_millis(100)).is_err());
        assert!(counts(
            &sct(101),
            &log([1; 32], Some((LogState::Usable, UnixTime::from_millis(0)))),
            UnixTime::from_millis(100)
        )
        .is_err());
        let l = log([1; 32], None);
        assert_eq!(
            [
                l.operator_at(UnixTime::from_millis(999)),
                l.operator_at(UnixTime::from_millis(1_000)),
                l.operator_at(UnixTime::from_millis(1_999)),
                l.operator_at(UnixTime::from_millis(2_000))
            ],
            ["First", "Second", "Second", "Now"]
        );
    }

    #[test]
    fn timestamps_print_with_milliseconds_and_stay_in_range() {
        assert_eq!(
            UnixTime::from_millis(1_700_000_000_123).to_rfc3339_millis(),
            "2023-11-14T22:13:20.123Z"
        );
        assert_eq!(
            UnixTime::from_millis(i64::MAX).to_rfc3339_millis(),
            "9999-12-31T23:59:59.999Z"
        );
    }
}
