//! The evaluation itself, in its steps: the entry (none, expired), the path, the hostname,
//! validity, revocation and CT where the entry asks, then the pins; each failed step is a
//! finding and sets the status.

use super::matching::any_active;
use super::*;

pub(super) fn evaluate(
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
        .map(|c| c.sha256_pin_text().to_string())
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
    if entry.expired_at(options.now) {
        let at = entry.expires.map(UnixTime::to_rfc3339).unwrap_or_default();
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
        let now = options.now.whole_seconds();
        // The validity and pin hits of the first path, when it is the one kept: what the
        // steps below would compute for it again.
        let mut kept_first = None;
        let outcome = if options.verify_signatures {
            let first = build_path(certs, &options.rules);
            // The first path is kept when it serves the check: valid, in its period (the
            // pinned top aside) and matched by an active pin. Otherwise look for one that
            // is (backtracking past expired or unpinned candidates); if there is none,
            // the first path's failure is what the verdict reports.
            if first.valid {
                let validity = path_validity(certs, &first.path, &entry.pins, now, options);
                if !validity.expired {
                    let hits = pin_hits(&entry.pins, certs, &first.path);
                    if any_active(&entry.pins, &hits) {
                        kept_first = Some((validity, hits));
                    }
                }
            }
            let exhausted = first.findings.iter().any(|f| {
                f.code == FindingCode::PathBudgetExceeded || f.code == FindingCode::PathTooLong
            });
            if kept_first.is_some() || exhausted {
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
        let (validity, kept_hits) = match kept_first {
            Some((validity, hits)) => (validity, Some(hits)),
            None if options.verify_signatures => {
                (path_validity(certs, &path, &entry.pins, now, options), None)
            }
            None => (
                check_validity(certs, &path, now, options.clock_skew_seconds),
                None,
            ),
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
                    options.now.to_rfc3339()
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
                now: options.now,
                clock_skew_seconds: options.clock_skew_seconds,
            },
            &mut verdict.findings,
            &mut failures,
        );
        hits = kept_hits.unwrap_or_else(|| pin_hits(&entry.pins, certs, &path));
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
            options.now,
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
    verdict.verified_path = path.clone();
    verdict.enforced = entry.mode == Mode::Enforce;
    verdict.status = failures.iter().min().copied().unwrap_or(Status::Matched);
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
            now: options.now,
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

/// Validity of the verified path: every certificate at `now`, except a top whose key is
/// pinned (the anchor: RFC 5280 section 6.1 does not check its validity; the leaf is
/// always checked).
pub(super) fn path_validity(
    certs: &[Certificate],
    path: &[usize],
    pins: &[PinEntry],
    now: UnixTime,
    options: &CheckOptions,
) -> crate::chain::validity::ValidityOutcome {
    let checked = match path.split_last() {
        Some((top, below)) if !below.is_empty() && anchor_pinned(pins, certs, *top) => below,
        _ => path,
    };
    check_validity(certs, checked, now, options.clock_skew_seconds)
}
