//! Revocation (README "Revocation"): is a certificate of the verified path revoked,
//! according to evidence the host hands over: an OCSP response (RFC 6960, usually the
//! one the server stapled) or a CRL (RFC 5280 section 5) the host fetched. Nothing here
//! fetches anything: the core only verifies bytes it is given.
//!
//! Evidence counts only when it is bound to the path: an OCSP SingleResponse must name a
//! path certificate by its issuer's name and key hashes and its serial, and be signed by
//! that issuer or by a responder certificate the issuer signed for OCSP signing
//! (id-kp-OCSPSigning); a CRL must be signed by the issuer of the certificate it speaks
//! for. Signatures go through the installed [`crate::signature::verify::SignatureVerifier`], as path
//! links do. Malformed, unverifiable or stale evidence is an error (`OCSP_INVALID`,
//! `CRL_INVALID`) that says which, never a quiet "good".
//!
//! [`apply`] is what `PinPolicy.check` does with an entry's `revocation` setting and a
//! staple; [`info_findings`] is what `diagnose` says about the revocation information a
//! chain offers (OCSP responders, CRL distribution points, must-staple, CRL-only CAs).

mod crl;
mod der;
mod info;
mod ocsp;

use crate::chain::parse_chain;
use crate::chain::path::pin_path;
use crate::check::verdict::Status;
use crate::error::{Error, Result};
use crate::finding::{Finding, FindingCode};
use crate::input::Part;
use crate::limits::MAX_CLOCK_SKEW_SECONDS;
use crate::signature::verify::SignatureVerifier;
use crate::time::UnixTime;
use crate::x509::cert::Certificate;
use serde::Serialize;

pub use info::{must_staple, revocation_info, RevocationInfo};

/// How long an OCSP response without nextUpdate counts as current after its
/// thisUpdate (RFC 6960 section 4.2.2.1 leaves it open; mozilla::pkix uses one day).
pub const NO_NEXT_UPDATE_LIFETIME_SECONDS: i64 = 86_400;

/// What the evidence says about the certificate it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RevocationStatus {
    Good,
    Revoked,
    /// The OCSP responder does not know the certificate.
    Unknown,
}

/// Who signed the evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Responder {
    /// The certificate's issuer itself (always so for a CRL).
    Issuer,
    /// A responder certificate issued by the issuer with id-kp-OCSPSigning.
    Delegated,
}

/// The JS `checkOcsp` / `checkCrl` result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RevocationOutcome {
    pub status: RevocationStatus,
    /// Input index of the certificate the evidence speaks for.
    pub cert_index: usize,
    /// RFC 3339.
    pub this_update: String,
    pub next_update: Option<String>,
    pub revoked_at: Option<String>,
    /// RFC 5280 CRLReason name (`keyCompromise`), when revoked with a reason.
    pub reason: Option<String>,
    pub responder: Responder,
    pub findings: Vec<Finding>,
}

/// The instant and tolerance evidence is checked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RevocationOptions {
    /// The instant of the check.
    pub now: UnixTime,
    /// The same tolerance as for certificate validity, either way.
    pub clock_skew_seconds: i64,
}

impl RevocationOptions {
    /// Evidence checked at `now` with no clock skew tolerated, as `CheckOptions::at`.
    pub fn at(now: UnixTime) -> RevocationOptions {
        RevocationOptions {
            now,
            clock_skew_seconds: 0,
        }
    }
}

/// A policy entry's `revocation` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RevocationMode {
    /// Revocation is not checked (a staple is ignored), unless the leaf is must-staple.
    #[default]
    Off,
    /// A staple is checked when the server sends one; none is not a failure.
    Check,
    /// The server must staple a valid OCSP response for the leaf.
    RequireStaple,
}

impl RevocationMode {
    /// The policy document's spelling.
    pub fn name(self) -> &'static str {
        match self {
            RevocationMode::Off => "off",
            RevocationMode::Check => "check",
            RevocationMode::RequireStaple => "require-staple",
        }
    }

    pub fn parse(text: &str) -> Option<RevocationMode> {
        match text {
            "off" => Some(RevocationMode::Off),
            "check" => Some(RevocationMode::Check),
            "require-staple" => Some(RevocationMode::RequireStaple),
            _ => None,
        }
    }
}

/// Refuses an OCSP response of `len` bytes before it is copied (0 or over the bound).
pub fn bound_ocsp(len: usize) -> Result<()> {
    ocsp::check_len(len)
}

/// Refuses a CRL of `len` bytes before it is copied (0 or over the bound).
pub fn bound_crl(len: usize) -> Result<()> {
    crl::check_len(len)
}

fn check_skew(options: &RevocationOptions) -> Result<()> {
    if (0..=MAX_CLOCK_SKEW_SECONDS).contains(&options.clock_skew_seconds) {
        Ok(())
    } else {
        Err(Error::InvalidArgument {
            argument: "clockSkewSeconds".into(),
            reason: format!(
                "{} is not between 0 and {MAX_CLOCK_SKEW_SECONDS} seconds",
                options.clock_skew_seconds
            ),
        })
    }
}

/// The verified path of a chain for revocation checks: evidence is bound to issuers
/// only along a path whose signatures verify.
fn verified_certs(
    chain: &[Part],
    what: &'static str,
    verifier: &dyn SignatureVerifier,
) -> Result<(Vec<Certificate>, Vec<usize>)> {
    let certs = parse_chain(chain)?;
    let outcome = pin_path(&certs, verifier);
    if !outcome.valid {
        let reason = "the chain forms no signature-verified path from the leaf, so no issuer is known to check the evidence against: pass the chain the server sent, leaf first".to_string();
        return Err(if what == "ocsp" {
            Error::OcspInvalid { reason }
        } else {
            Error::CrlInvalid { reason }
        });
    }
    Ok((certs, outcome.path))
}

/// `checkOcsp(chain, response, { now })`: the response's SingleResponse for a
/// certificate of the chain's verified path, verified.
pub fn check_ocsp(
    chain: &[Part],
    response: &[u8],
    options: &RevocationOptions,
    verifier: &dyn SignatureVerifier,
) -> Result<RevocationOutcome> {
    check_skew(options)?;
    ocsp::check_bounds(response)?;
    let (certs, path) = verified_certs(chain, "ocsp", verifier)?;
    ocsp::check(&certs, &path, response, options, false, verifier)
}

/// `checkCrl(chain, crl, { now })`: the CRL, signed by the issuer of a certificate of the
/// chain's verified path, for that certificate.
pub fn check_crl(
    chain: &[Part],
    crl: &[u8],
    options: &RevocationOptions,
    verifier: &dyn SignatureVerifier,
) -> Result<RevocationOutcome> {
    check_skew(options)?;
    crl::check_bounds(crl)?;
    let (certs, path) = verified_certs(chain, "crl", verifier)?;
    crl::check(&certs, &path, crl, options, verifier)
}

/// The certificate's serialNumber INTEGER content, exactly as encoded (what a CRL entry
/// and an OCSP CertID carry).
pub(crate) fn raw_serial(cert: &Certificate) -> Option<&[u8]> {
    let mut tbs = der::whole_sequence(cert.tbs_der(), "tbsCertificate").ok()?;
    if tbs.peek_tag() == Some(0xa0) {
        tbs.any().ok()?;
    }
    tbs.expect(der::INTEGER, "serialNumber")
        .ok()
        .map(|t| t.content)
}

/// The RFC 5280 section 5.3.1 CRLReason name (OCSP uses the same values).
pub(crate) fn reason_name(code: u8) -> String {
    match code {
        0 => "unspecified".into(),
        1 => "keyCompromise".into(),
        2 => "cACompromise".into(),
        3 => "affiliationChanged".into(),
        4 => "superseded".into(),
        5 => "cessationOfOperation".into(),
        6 => "certificateHold".into(),
        8 => "removeFromCRL".into(),
        9 => "privilegeWithdrawn".into(),
        10 => "aACompromise".into(),
        other => format!("reason {other}"),
    }
}

/// `thisUpdate ≤ now ≤ nextUpdate`, both with the skew; `what` names the evidence.
pub(crate) fn check_times(
    this_update: UnixTime,
    next_update: Option<UnixTime>,
    options: &RevocationOptions,
    what: &str,
) -> core::result::Result<(), String> {
    let now = options.now.whole_seconds();
    let skew = options.clock_skew_seconds;
    if this_update > now.plus_seconds(skew) {
        return Err(format!(
            "the {what} is not yet valid: thisUpdate {} is after now ({}); check the host clock",
            this_update.to_rfc3339(),
            now.to_rfc3339()
        ));
    }
    let until =
        next_update.unwrap_or_else(|| this_update.plus_seconds(NO_NEXT_UPDATE_LIFETIME_SECONDS));
    if now.minus_seconds(skew) > until {
        return Err(match next_update {
            Some(_) => format!(
                "the {what} expired: nextUpdate {} is before now ({}); fetch a fresh one",
                until.to_rfc3339(),
                now.to_rfc3339()
            ),
            None => format!(
                "the {what} has no nextUpdate and its thisUpdate {} is more than a day before now ({}); fetch a fresh one",
                this_update.to_rfc3339(),
                now.to_rfc3339()
            ),
        });
    }
    Ok(())
}

/// What `PinPolicy.check` does about revocation for one entry: `verified_path` is the
/// path when it is valid; `staple` is the OCSP response the server stapled, if the host
/// passed one, with the verifier that checks its signature. Adds findings, and the status
/// `cert-revoked` to `failures` when the leaf is revoked or a required staple is
/// missing, invalid or unknown (RFC 7633 section 4.2.3.1: a must-staple certificate
/// without a valid staple is refused; certpin gives that refusal the revocation status
/// because the certificate's revocation state is what could not be established).
///
/// - `off` (default): a staple is not looked at, unless the leaf is must-staple.
/// - `check`: a staple, when given, must verify and must not say revoked; without one
///   the check passes with an info finding (soft fail, as browsers do).
/// - `require-staple` (and any must-staple leaf): a valid staple for the leaf that says
///   good is required.
pub fn apply(
    mode: RevocationMode,
    certs: &[Certificate],
    verified_path: Option<&[usize]>,
    staple: Option<(&[u8], &dyn SignatureVerifier)>,
    options: &RevocationOptions,
    findings: &mut Vec<Finding>,
    failures: &mut Vec<Status>,
) {
    let leaf_must_staple = certs.first().is_some_and(must_staple);
    let required = mode == RevocationMode::RequireStaple || leaf_must_staple;
    let why_required = if leaf_must_staple {
        "the leaf certificate is must-staple (TLS feature status_request, RFC 7633)"
    } else {
        "the policy entry says \"revocation\": \"require-staple\""
    };
    let mut fail = |findings: &mut Vec<Finding>, finding: Finding| {
        findings.push(finding);
        if !failures.contains(&Status::CertRevoked) {
            failures.push(Status::CertRevoked);
        }
    };
    if mode == RevocationMode::Off && !required {
        if staple.is_some() {
            findings.push(Finding::info(
                FindingCode::OcspStapleIgnored,
                "the server stapled an OCSP response; revocation is off for this entry, so it was not checked (set \"revocation\": \"check\")",
            ));
        }
        return;
    }
    let Some((staple, verifier)) = staple else {
        if required {
            fail(
                findings,
                Finding::error(
                    FindingCode::OcspStapleMissing,
                    format!("no stapled OCSP response, but {why_required}: the server must staple one (and the host must request it: requestOCSP)"),
                )
                .at(0),
            );
        } else {
            findings.push(Finding::info(
                FindingCode::RevocationUnchecked,
                "revocation is checked for this entry, but the server stapled no OCSP response: the leaf's revocation status is unknown",
            ));
        }
        return;
    };
    let path = verified_path.unwrap_or_default();
    if path.len() < 2 {
        let finding = Finding::error(
            FindingCode::OcspStapleInvalid,
            "the stapled OCSP response cannot be checked: the leaf's issuer is not on a verified path",
        )
        .at(0);
        if required {
            fail(findings, finding);
        } else {
            findings.push(finding);
        }
        return;
    }
    let outcome = ocsp::check_bounds(staple)
        .and_then(|()| ocsp::check(certs, path, staple, options, true, verifier));
    match outcome {
        Err(error) => fail(
            findings,
            Finding::error(
                FindingCode::OcspStapleInvalid,
                format!("the stapled OCSP response was refused: {error}"),
            )
            .at(0),
        ),
        Ok(outcome) => {
            findings.extend(outcome.findings.iter().cloned());
            let at = outcome.cert_index;
            match outcome.status {
                RevocationStatus::Revoked => fail(
                    findings,
                    Finding::error(
                        FindingCode::CertRevoked,
                        format!(
                            "the stapled OCSP response says certificate {at} was revoked at {}{}",
                            outcome.revoked_at.unwrap_or_default(),
                            outcome
                                .reason
                                .map(|r| format!(" ({r})"))
                                .unwrap_or_default()
                        ),
                    )
                    .at(at),
                ),
                RevocationStatus::Unknown => {
                    let finding = Finding::new(
                        FindingCode::OcspStatusUnknown,
                        if required {
                            crate::finding::Severity::Error
                        } else {
                            crate::finding::Severity::Warning
                        },
                        "the stapled OCSP response says the responder does not know the leaf (status unknown)",
                    )
                    .at(at);
                    if required {
                        fail(findings, finding);
                    } else {
                        findings.push(finding);
                    }
                }
                RevocationStatus::Good => findings.push(
                    Finding::info(
                        FindingCode::OcspGood,
                        format!(
                            "the stapled OCSP response (signed by the {}) says the leaf is good until {}",
                            match outcome.responder {
                                Responder::Issuer => "issuer",
                                Responder::Delegated => "issuer's delegated responder",
                            },
                            outcome.next_update.unwrap_or(outcome.this_update)
                        ),
                    )
                    .at(at),
                ),
            }
        }
    }
}

/// `diagnose`'s findings on the revocation information each certificate offers.
pub fn info_findings(certs: &[Certificate]) -> Vec<Finding> {
    info::findings(certs)
}
