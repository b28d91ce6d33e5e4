//! Policy evaluation: one chain, one host, one instant → a `Verdict`. Used by both
//! `PinPolicy.check` (a policy entry chosen by host) and `checkPins` (an ad hoc entry of
//! active pins). See `crate::check::verdict` for what the verdict means.
//!
//! Steps, each recorded as a finding when it fails: the chain is decoded (an empty array
//! is status `no-chain`); the entry for the host is found (none: `not-pinned`, fail
//! open); an expired entry fails open (`policy-expired`); the path is built
//! (`crate::chain::path`: signature-verified unless the caller opted out); the leaf must cover
//! the hostname (`crate::names::hostname`) and the path must be within its validity
//! (`crate::chain::validity`); then pins are compared as bytes against path certificates,
//! honouring each pin's position and state.

mod evaluate;
mod matching;
mod message;

use evaluate::evaluate;
use matching::{anchor_pinned, has_active_hit};
pub(crate) use matching::{pin_hits, PinHit};
use message::{message, subject_of};
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
use crate::time::UnixTime;
use crate::x509::cert::Certificate;
use core::fmt::Write as _;

/// How to check (the JS `CheckOptions`). `now` is always given: the core never reads
/// a clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOptions {
    pub hostname: Option<String>,
    pub port: Option<u16>,
    /// The instant of the check.
    pub now: UnixTime,
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
    /// Defaults at the instant `now_ms` (milliseconds since the epoch).
    pub fn at(now_ms: i64) -> CheckOptions {
        CheckOptions::at_time(UnixTime::from_millis(now_ms))
    }

    /// Defaults at the instant `now`.
    pub fn at_time(now: UnixTime) -> CheckOptions {
        CheckOptions {
            hostname: None,
            port: None,
            now,
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
