//! Policy evaluation: one chain, one host, one instant → a `Verdict`. Used by both
//! `PinPolicy.check` (a policy entry chosen by host) and `checkPins` (an ad hoc entry of
//! active pins). See `crate::check::verdict` for what the verdict means.
//!
//! Steps, each recorded as a finding when it fails: the chain is decoded (an empty array
//! is status `no-chain`); the entry for the host is found (none: `not-pinned`, fail
//! open); an expired entry fails open (`policy-expired`); the path is built
//! (`crate::chain::path`: signature-verified unless the caller opted out); the leaf must cover
//! the hostname (`crate::hostname`) and the path must be within its validity
//! (`crate::validity`); then pins are compared as bytes against path certificates,
//! honouring each pin's position and state.

pub(crate) mod memo;
pub(crate) mod report;
pub(crate) mod verdict;

use crate::chain::parse_chain_noted;
use crate::chain::path::{
    pin_path_towards, pin_path_with, served_path, Goal, PathOutcome, PathRules,
};
use crate::chain::validity::check_validity;
use crate::check::report::{report_key, violation_report, ReportInput};
use crate::check::verdict::{Matched, Status, Verdict};
use crate::error::{Error, Result};
use crate::finding::{Finding, FindingCode};
use crate::input::Part;
use crate::limits::{MAX_CLOCK_SKEW_SECONDS, MAX_PINS_PER_DOMAIN};
use crate::names::host::{normalize_hostname, HostPattern};
use crate::names::hostname::check_hostname_with;
use crate::pin::{HashAlgorithm, Pin};
use crate::policy::{DomainEntry, Mode, PinEntry, PinState, Policy};
use crate::signature::verify::SignatureVerifier;
use crate::time::rfc3339;
use crate::x509::cert::Certificate;
use core::fmt::Write as _;

/// How to check (the JS `CheckOptions`). `now_ms` is always given: the core never reads
/// a clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOptions {
    pub hostname: Option<String>,
    pub port: Option<u16>,
    /// Milliseconds since the epoch.
    pub now_ms: i64,
    /// Default true: pins match only on the signature-verified path.
    pub verify_signatures: bool,
    /// Tolerance for certificate validity periods, either way; default 0.
    pub clock_skew_seconds: i64,
    /// What path building refuses (SHA-1, small RSA keys, unknown critical extensions);
    /// strict by default, relaxed only by explicit options.
    pub rules: PathRules,
    /// `allowCommonNameFallback`: match the subject CN of a leaf without any SAN
    /// (default false).
    pub allow_common_name: bool,
    /// Revocation: the OCSP response the server stapled, if the host has one.
    pub ocsp_response: Option<Vec<u8>>,
    /// Certificate Transparency: the log list and CT policy for entries with
    /// `"ct"`; `None` makes an entry with `"ct": "enforce"` fail closed.
    pub ct: Option<crate::ct::CtCheck>,
}

/// Path building under `rules`: what a check calls to build the verified path.
pub(crate) type BuildPath<'a> = dyn FnMut(&[Certificate], &PathRules) -> PathOutcome + 'a;

impl CheckOptions {
    /// Defaults at the instant `now_ms`.
    pub fn at(now_ms: i64) -> CheckOptions {
        CheckOptions {
            hostname: None,
            port: None,
            now_ms,
            verify_signatures: true,
            clock_skew_seconds: 0,
            rules: PathRules::default(),
            allow_common_name: false,
            ocsp_response: None,
            ct: None,
        }
    }

    /// With a hostname.
    pub fn for_host(mut self, hostname: &str) -> CheckOptions {
        self.hostname = Some(hostname.to_string());
        self
    }
}

/// `PinPolicy.check`: the entry for `options.hostname` (required) decides.
/// Signatures are checked with `verifier`.
pub fn check_policy(
    policy: &Policy,
    chain: &[Part],
    options: &CheckOptions,
    verifier: &dyn SignatureVerifier,
) -> Result<Verdict> {
    let hostname = policy_hostname(options)?;
    let (certs, notes) = parse_served(chain)?;
    check_policy_parsed(
        policy,
        &hostname,
        &certs,
        &notes,
        options,
        &mut |certs, rules| pin_path_with(certs, rules, verifier),
        verifier,
    )
}

/// The normalised hostname `PinPolicy.check` requires (checked before the chain, so
/// that both ways of checking report the same error first).
pub(crate) fn policy_hostname(options: &CheckOptions) -> Result<String> {
    let hostname = options
        .hostname
        .as_deref()
        .ok_or_else(|| Error::InvalidArgument {
            argument: "hostname".into(),
            reason: "PinPolicy.check needs the hostname the connection was made to".into(),
        })?;
    normalize_hostname(hostname)
}

/// [`check_policy`] for certificates already parsed and a hostname from
/// [`policy_hostname`], with the caller's path builder (`crate::check::memo` passes one that
/// remembers verified paths). `build_path` is called only when a pinned, unexpired entry
/// applies to a served chain and `options.verify_signatures` is set; it must return what
/// [`pin_path_with`] would with `verifier`, which checks every other signature (the
/// OCSP staple's, the SCTs').
pub(crate) fn check_policy_parsed(
    policy: &Policy,
    hostname: &str,
    certs: &[Certificate],
    notes: &[Finding],
    options: &CheckOptions,
    build_path: &mut BuildPath<'_>,
    verifier: &dyn SignatureVerifier,
) -> Result<Verdict> {
    let entry = policy.find(hostname).map(|(_, e)| e);
    let mut verdict = evaluate(
        entry,
        entry.map(|e| e.host.to_string()),
        certs,
        Some(hostname),
        options,
        build_path,
        verifier,
    )?;
    verdict.findings.splice(0..0, notes.iter().cloned());
    Ok(verdict)
}

/// The served chain parsed, with a warning per skipped PEM block; an empty input is an
/// empty chain (status `no-chain`).
pub(crate) fn parse_served(chain: &[Part]) -> Result<(Vec<Certificate>, Vec<Finding>)> {
    if chain.is_empty() {
        Ok((Vec::new(), Vec::new()))
    } else {
        parse_chain_noted(chain)
    }
}

/// `checkPins`: the chain against a list of active pins that may match anywhere on the
/// path. Without a hostname no hostname check is made. Signatures are checked with
/// `verifier`.
pub fn check_pins(
    chain: &[Part],
    pins: &[Pin],
    options: &CheckOptions,
    verifier: &dyn SignatureVerifier,
) -> Result<Verdict> {
    if pins.is_empty() {
        return Err(Error::InvalidArgument {
            argument: "pins".into(),
            reason: "the pin list is empty: pass at least one pin (sha256/<base64>)".into(),
        });
    }
    if pins.len() > MAX_PINS_PER_DOMAIN {
        return Err(Error::InvalidArgument {
            argument: "pins".into(),
            reason: format!(
                "{} pins, over the limit of {MAX_PINS_PER_DOMAIN}",
                pins.len()
            ),
        });
    }
    let hostname = options
        .hostname
        .as_deref()
        .map(normalize_hostname)
        .transpose()?;
    let entry = DomainEntry::of_active_pins(
        HostPattern::Exact(hostname.clone().unwrap_or_default()),
        false,
        pins.iter().cloned(),
    );
    let (certs, notes) = parse_served(chain)?;
    let mut verdict = evaluate(
        Some(&entry),
        None,
        &certs,
        hostname.as_deref(),
        options,
        &mut |certs, rules| pin_path_with(certs, rules, verifier),
        verifier,
    )?;
    verdict.findings.splice(0..0, notes);
    Ok(verdict)
}

/// One pin found on a certificate of the path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PinHit {
    /// Index into the entry's pins.
    pub pin_index: usize,
    pub cert_index: usize,
    pub depth: usize,
}

/// Every (pin, path certificate) pair whose key the pin names and whose depth the pin's
/// position allows. Revoked pins are looked for on every served certificate (README
/// "Policy document": `revoked` "fails any chain that contains that key"); their depth is then the path depth,
/// or `usize::MAX` for a certificate off the path.
pub(crate) fn pin_hits(pins: &[PinEntry], certs: &[Certificate], path: &[usize]) -> Vec<PinHit> {
    let mut by_algorithm: Vec<(HashAlgorithm, Vec<Pin>)> = Vec::new();
    for p in pins {
        let alg = p.pin.algorithm();
        if !by_algorithm.iter().any(|(a, _)| *a == alg) {
            by_algorithm.push((alg, certs.iter().map(|c| c.pin(alg)).collect()));
        }
    }
    let key_of = |alg: HashAlgorithm, cert_index: usize| {
        by_algorithm
            .iter()
            .find(|(a, _)| *a == alg)
            .and_then(|(_, v)| v.get(cert_index))
    };
    let mut hits = Vec::new();
    for (pin_index, p) in pins.iter().enumerate() {
        let alg = p.pin.algorithm();
        if p.state == PinState::Revoked {
            for cert_index in 0..certs.len() {
                if key_of(alg, cert_index) == Some(&p.pin) {
                    let depth = path
                        .iter()
                        .position(|i| *i == cert_index)
                        .unwrap_or(usize::MAX);
                    hits.push(PinHit {
                        pin_index,
                        cert_index,
                        depth,
                    });
                }
            }
            continue;
        }
        for (depth, cert_index) in path.iter().enumerate() {
            if p.position.allows_depth(depth) && key_of(alg, *cert_index) == Some(&p.pin) {
                hits.push(PinHit {
                    pin_index,
                    cert_index: *cert_index,
                    depth,
                });
            }
        }
    }
    hits
}

fn evaluate(
    entry: Option<&DomainEntry>,
    domain: Option<String>,
    certs: &[Certificate],
    hostname: Option<&str>,
    options: &CheckOptions,
    build_path: &mut BuildPath<'_>,
    verifier: &dyn SignatureVerifier,
) -> Result<Verdict> {
    if !(0..=MAX_CLOCK_SKEW_SECONDS).contains(&options.clock_skew_seconds) {
        return Err(Error::InvalidArgument {
            argument: "clockSkewSeconds".into(),
            reason: format!(
                "{} is not between 0 and {MAX_CLOCK_SKEW_SECONDS} seconds",
                options.clock_skew_seconds
            ),
        });
    }
    let served_pins: Vec<String> = certs
        .iter()
        .map(|c| c.pin(HashAlgorithm::Sha256).to_string())
        .collect();
    let mut verdict = Verdict {
        ok: true,
        status: Status::NotPinned,
        enforced: false,
        hostname: hostname.map(str::to_string),
        domain,
        matched: None,
        served_pins,
        verified_path: Vec::new(),
        message: String::new(),
        findings: Vec::new(),
        report: None,
        report_key: None,
    };
    let host_text = hostname.unwrap_or("(no hostname given)");
    let Some(entry) = entry else {
        if certs.is_empty() {
            // Nothing was served: there is nothing to let through.
            verdict.ok = false;
            verdict.status = Status::NoChain;
            verdict.findings.push(Finding::error(
                FindingCode::NoChain,
                "no certificates were given: pass the chain the server sent, leaf first",
            ));
            verdict.message = format!("No certificates were given for {host_text}.");
            return Ok(verdict);
        }
        verdict.findings.push(Finding::info(
            FindingCode::NotPinned,
            format!("no policy entry covers {host_text}: pinning does not apply"),
        ));
        verdict.message = format!("{host_text} is not pinned by this policy: no pin was checked.");
        return Ok(verdict);
    };
    if entry.expired_at(options.now_ms) {
        let at = entry.expires.map(rfc3339).unwrap_or_default();
        verdict.status = Status::PolicyExpired;
        verdict.findings.push(Finding::warning(
            FindingCode::PolicyExpired,
            format!(
                "the pins for {} expired at {at}: pinning is skipped (fail open); renew the entry's pins and expires",
                entry.describe()
            ),
        ));
        verdict.message = format!(
            "The pins for {} expired at {at}; pinning was skipped for {host_text}.",
            entry.describe()
        );
        return Ok(verdict);
    }

    let mut failures: Vec<Status> = Vec::new();
    let mut path: Vec<usize> = Vec::new();
    let mut hits = Vec::new();
    if certs.is_empty() {
        failures.push(Status::NoChain);
        verdict.findings.push(Finding::error(
            FindingCode::NoChain,
            format!("no certificates were given for pinned host {host_text}: pass the chain the server sent, leaf first"),
        ));
    } else {
        let now = crate::time::seconds(options.now_ms);
        let outcome = if options.verify_signatures {
            let first = build_path(certs, &options.rules);
            // The first path is kept when it serves the check: valid, in its period (the
            // pinned top aside) and matched by an active pin. Otherwise look for one that
            // is (backtracking past expired or unpinned candidates); if there is none,
            // the first path's failure is what the verdict reports.
            let serves = first.valid
                && !path_validity(certs, &first.path, &entry.pins, now, options).expired
                && has_active_hit(&entry.pins, certs, &first.path);
            let exhausted = first.findings.iter().any(|f| {
                f.code == FindingCode::PathBudgetExceeded || f.code == FindingCode::PathTooLong
            });
            if serves || exhausted {
                first
            } else {
                let anchor = |i: usize| anchor_pinned(&entry.pins, certs, i);
                let accept = |p: &[usize]| has_active_hit(&entry.pins, certs, p);
                let goal = Goal {
                    now,
                    skew: options.clock_skew_seconds,
                    anchor: &anchor,
                    accept: &accept,
                    spent: first.cost,
                };
                let second = pin_path_towards(certs, &options.rules, &goal, verifier);
                if second.valid {
                    second
                } else {
                    first
                }
            }
        } else {
            served_path(certs)
        };
        path = outcome.path;
        verdict.findings.extend(outcome.findings);
        if !outcome.valid {
            failures.push(Status::InvalidChain);
            verdict.findings.push(Finding::error(
                FindingCode::InvalidChain,
                "the served certificates form no verifiable path from the leaf: pins are matched only on a path whose signatures verify",
            ));
        }
        if let (Some(name), Some(leaf)) = (hostname, certs.first()) {
            let outcome = check_hostname_with(leaf, name, options.allow_common_name);
            let said = outcome
                .findings
                .iter()
                .any(|f| f.code == FindingCode::HostnameMismatch);
            verdict.findings.extend(outcome.findings);
            if !outcome.matched {
                failures.push(Status::HostnameMismatch);
            }
            // The hostname check may explain the mismatch itself, under the same code.
            if !outcome.matched && !said {
                verdict.findings.push(
                    Finding::error(
                        FindingCode::HostnameMismatch,
                        format!("the leaf certificate does not cover {name}"),
                    )
                    .at(0),
                );
            }
        }
        let validity = if options.verify_signatures {
            path_validity(certs, &path, &entry.pins, now, options)
        } else {
            check_validity(certs, &path, now, options.clock_skew_seconds)
        };
        let said = validity
            .findings
            .iter()
            .any(|f| f.code == FindingCode::CertExpired);
        verdict.findings.extend(validity.findings);
        if validity.expired {
            failures.push(Status::CertExpired);
        }
        // The validity check may name the certificate itself, under the same code.
        if validity.expired && !said {
            verdict.findings.push(Finding::error(
                FindingCode::CertExpired,
                format!(
                    "a certificate of the path is outside its validity period at {}",
                    rfc3339(crate::time::seconds(options.now_ms))
                ),
            ));
        }
        // Revocation: the staple, the entry's setting, must-staple.
        crate::revocation::apply(
            entry.revocation,
            certs,
            outcome.valid.then_some(path.as_slice()),
            options.ocsp_response.as_deref().map(|s| (s, verifier)),
            &crate::revocation::RevocationOptions {
                now_ms: options.now_ms,
                clock_skew_seconds: options.clock_skew_seconds,
            },
            &mut verdict.findings,
            &mut failures,
        );
        hits = pin_hits(&entry.pins, certs, &path);
        for hit in &hits {
            let Some(p) = entry.pins.get(hit.pin_index) else {
                continue;
            };
            match p.state {
                PinState::Revoked => {
                    if !failures.contains(&Status::Revoked) {
                        failures.push(Status::Revoked);
                    }
                    verdict.findings.push(
                        Finding::error(
                            FindingCode::PinRevoked,
                            format!(
                                "certificate {} ({}) has the revoked key {}",
                                hit.cert_index,
                                subject_of(certs, hit.cert_index),
                                p.pin
                            ),
                        )
                        .at(hit.cert_index),
                    );
                }
                PinState::Candidate => verdict.findings.push(
                    Finding::info(
                        FindingCode::CandidatePinMatched,
                        format!(
                            "candidate pin {} matches certificate {} at depth {} (it does not decide the check)",
                            p.pin, hit.cert_index, hit.depth
                        ),
                    )
                    .at(hit.cert_index),
                ),
                PinState::Active => {
                    if verdict.matched.is_none() {
                        verdict.matched = Some(Matched {
                            pin: p.pin.to_string(),
                            cert_index: hit.cert_index,
                            depth: hit.depth,
                        });
                    }
                }
            }
        }
    }
    // ---- Certificate Transparency ----
    if let (Some(ct_mode), false) = (entry.ct, certs.is_empty()) {
        let (passed, findings) = crate::ct::check_entry(
            ct_mode,
            options.ct.as_ref(),
            certs,
            &path,
            options.now_ms,
            verifier,
        );
        verdict.findings.extend(findings);
        if !passed {
            failures.push(Status::CtInsufficient);
        }
    }
    for (i, p) in entry.pins.iter().enumerate() {
        if p.state == PinState::Candidate && !hits.iter().any(|h| h.pin_index == i) {
            verdict.findings.push(Finding::info(
                FindingCode::CandidatePinUnmatched,
                format!(
                    "candidate pin {} ({}) matches no certificate of the path (it does not decide the check)",
                    p.pin,
                    p.position.name()
                ),
            ));
        }
    }
    if verdict.matched.is_none() && !certs.is_empty() {
        failures.push(Status::Mismatch);
        verdict.findings.push(Finding::error(
            FindingCode::PinMismatch,
            format!(
                "no active pin for {} matches a certificate of the {} path",
                entry.describe(),
                if options.verify_signatures {
                    "verified"
                } else {
                    "served"
                }
            ),
        ));
    }
    failures.sort();
    verdict.verified_path = path.clone();
    verdict.enforced = entry.mode == Mode::Enforce;
    verdict.status = failures.first().copied().unwrap_or(Status::Matched);
    verdict.ok = failures.is_empty() || entry.mode == Mode::Report;
    if !failures.is_empty() {
        if entry.mode == Mode::Report {
            verdict.findings.push(Finding::info(
                FindingCode::ReportOnly,
                format!(
                    "{} is in report mode: the failed check ({}) does not block",
                    entry.describe(),
                    verdict.status.name()
                ),
            ));
        }
        let report = violation_report(&ReportInput {
            now_ms: options.now_ms,
            hostname,
            port: options.port.unwrap_or(443),
            entry,
            certs,
            path: &path,
        });
        verdict.report_key = Some(report_key(&report, entry.report_uri.as_deref()));
        verdict.report = Some(report);
    }
    verdict.message = message(
        &verdict,
        entry,
        certs,
        &path,
        hostname,
        &failures,
        options.verify_signatures,
    );
    Ok(verdict)
}

/// Certificate `index`'s key is named by an active pin that may match above the leaf:
/// as the top of a path it is the anchor (RFC 5280 section 6.1).
fn anchor_pinned(pins: &[PinEntry], certs: &[Certificate], index: usize) -> bool {
    index > 0
        && certs.get(index).is_some_and(|c| {
            pins.iter().any(|p| {
                p.state == PinState::Active
                    && p.position.allows_depth(1)
                    && c.pin(p.pin.algorithm()) == p.pin
            })
        })
}

fn has_active_hit(pins: &[PinEntry], certs: &[Certificate], path: &[usize]) -> bool {
    pin_hits(pins, certs, path).iter().any(|h| {
        pins.get(h.pin_index)
            .is_some_and(|p| p.state == PinState::Active)
    })
}

/// Validity of the verified path: every certificate at `now`, except a top whose key is
/// pinned (the anchor: RFC 5280 section 6.1 does not check its validity; the leaf is
/// always checked).
fn path_validity(
    certs: &[Certificate],
    path: &[usize],
    pins: &[PinEntry],
    now: i64,
    options: &CheckOptions,
) -> crate::chain::validity::ValidityOutcome {
    let checked = match path.split_last() {
        Some((top, below)) if !below.is_empty() && anchor_pinned(pins, certs, *top) => below,
        _ => path,
    };
    check_validity(certs, checked, now, options.clock_skew_seconds)
}

fn subject_of(certs: &[Certificate], index: usize) -> String {
    certs
        .get(index)
        .map(|c| {
            let s = &c.facts().subject;
            if s.is_empty() {
                "(empty subject)".to_string()
            } else {
                s.clone()
            }
        })
        .unwrap_or_default()
}

/// OkHttp's `CertificatePinner` failure text ("Certificate pinning failure!", the peer
/// certificate chain, the pinned certificates for the host), with positions, states and
/// the reason; on success one line naming the pin and where it matched.
fn message(
    verdict: &Verdict,
    entry: &DomainEntry,
    certs: &[Certificate],
    path: &[usize],
    hostname: Option<&str>,
    failures: &[Status],
    verified: bool,
) -> String {
    if failures.is_empty() {
        return match &verdict.matched {
            Some(m) => format!(
                "Pin {} matched certificate {} ({}) at depth {} of the {} path for {}.",
                m.pin,
                m.cert_index,
                subject_of(certs, m.cert_index),
                m.depth,
                if verified { "verified" } else { "served" },
                hostname.unwrap_or("the chain")
            ),
            None => String::new(),
        };
    }
    let mut out = String::from("Certificate pinning failure!\n  Peer certificate chain:\n");
    if certs.is_empty() {
        out.push_str("    (no certificates)\n");
    }
    for (i, c) in certs.iter().enumerate() {
        let note = if path.contains(&i) {
            ""
        } else {
            " (not on the path)"
        };
        let _ = writeln!(
            out,
            "    {}: {}{note}",
            c.pin(HashAlgorithm::Sha256),
            subject_of(certs, i)
        );
    }
    match hostname {
        Some(h) => {
            let _ = writeln!(out, "  Pinned certificates for {h}:");
        }
        None => out.push_str("  Pinned certificates:\n"),
    }
    for p in &entry.pins {
        let mut notes = Vec::new();
        if p.state != PinState::Active {
            notes.push(p.state.name());
        }
        if p.position != crate::policy::PinPosition::Any {
            notes.push(p.position.name());
        }
        if notes.is_empty() {
            let _ = writeln!(out, "    {}", p.pin);
        } else {
            let _ = writeln!(out, "    {} ({})", p.pin, notes.join(", "));
        }
    }
    let reasons: Vec<&str> = failures.iter().map(|s| reason(*s)).collect();
    let _ = write!(out, "  Reason: {}", reasons.join("; "));
    if entry.mode == Mode::Report {
        out.push_str(" (report mode: not enforced)");
    }
    out
}

fn reason(status: Status) -> &'static str {
    match status {
        Status::NoChain => "no certificates were given",
        Status::InvalidChain => "the served certificates form no verifiable path from the leaf",
        Status::HostnameMismatch => "the leaf certificate does not cover the hostname",
        Status::CertExpired => "a certificate of the path is outside its validity period",
        Status::CertRevoked => {
            "a certificate of the path is revoked, or its required OCSP staple is missing or invalid"
        }
        Status::Revoked => "the chain contains a revoked key",
        Status::CtInsufficient => {
            "the leaf's SCTs do not satisfy the Certificate Transparency policy"
        }
        Status::Mismatch => "no active pin matches a certificate of the path",
        Status::Matched | Status::NotPinned | Status::PolicyExpired => "",
    }
}
