//! Export of a policy to the configuration formats of other pinning systems: the list of
//! formats, the dispatch to each format's `export` (in its file beside its importer:
//! `hpkp`, `okhttp`, `android_nsc`, `trustkit`, `apple_ats`, `curl`, `tlsa`) and the
//! rules they share.
//!
//! What a format cannot express is never dropped silently. Rules per format:
//! - Pins other than SHA-256 (every format but `tlsa`, which also takes SHA-512):
//!   `FORMAT_UNSUPPORTED`.
//! - Report mode: `FORMAT_UNSUPPORTED`, except `trustkit` (`kTSKEnforcePinning: false`)
//!   and `hpkp-report-only`; `hpkp` refuses a report-mode entry.
//! - Candidate pins (never accepted by certpin) and revoked pins (a deny list): left
//!   out of the allow-list and named in a comment in formats that have comments
//!   (okhttp, android-nsc, trustkit, apple-ats, tlsa); `FORMAT_UNSUPPORTED` in the
//!   one-line formats (hpkp, curl).
//! - Positions: okhttp, android-nsc, trustkit, curl and hpkp match a pin anywhere in the
//!   chain; a `leaf`/`ca` position is noted in a comment (okhttp, android-nsc, trustkit)
//!   or refused (hpkp, curl). apple-ats needs every active pin's position to be `leaf`
//!   or `ca`, all the same (ATS requires a match in each list it is given).
//!   tlsa writes `3 1 1` for leaf pins, `2 1 1` for CA pins and both for `any`.
//! - Host patterns: `**.x` and `includeSubdomains` become the format's include-subdomains
//!   flag where it means "all subdomains" (android-nsc, trustkit, hpkp; okhttp writes
//!   `**.x`); `*.x` is only written by okhttp; apple-ats covers one level of subdomains
//!   only, so it refuses both. Formats that union overlapping patterns (okhttp) refuse
//!   policies whose entries overlap, since certpin never merges entries.
//! - `expires` and `reportUri`: written where the format has them, else a comment.
//! - `ct` and `revocation` (checks beyond pins that no exported format performs): a
//!   comment in the formats that have comments; `FORMAT_UNSUPPORTED` in hpkp and curl.

use crate::error::{Error, Result};
use crate::pin::HashAlgorithm;
use crate::policy::{DomainEntry, Mode, PinEntry, PinPosition, PinState, Policy};

/// The formats `export` writes.
pub const EXPORT_FORMATS: &[&str] = &[
    "hpkp",
    "hpkp-report-only",
    "okhttp",
    "android-nsc",
    "trustkit",
    "apple-ats",
    "curl",
    "tlsa",
];

pub(super) fn unsupported(format: &str, reason: impl Into<String>) -> Error {
    Error::FormatUnsupported {
        format: format.into(),
        reason: reason.into(),
    }
}

pub(super) fn who(i: usize, d: &DomainEntry) -> String {
    format!("domains[{i}] ({})", d.describe())
}

/// Writes `policy` in `format` (one of `EXPORT_FORMATS`).
pub fn export(policy: &Policy, format: &str) -> Result<String> {
    match format {
        "hpkp" => super::hpkp::export(policy, false),
        "hpkp-report-only" => super::hpkp::export(policy, true),
        "okhttp" => super::okhttp::export(policy),
        "android-nsc" => super::android_nsc::export(policy),
        "trustkit" => super::trustkit::export(policy),
        "apple-ats" => super::apple_ats::export(policy),
        "curl" => super::curl::export(policy),
        "tlsa" => super::tlsa::export(policy),
        other => Err(Error::InvalidArgument {
            argument: "format".into(),
            reason: format!("{other:?} is not one of {}", EXPORT_FORMATS.join(", ")),
        }),
    }
}

pub(super) fn sha256_only(format: &str, i: usize, d: &DomainEntry) -> Result<()> {
    match d
        .pins
        .iter()
        .find(|p| p.pin.algorithm() != HashAlgorithm::Sha256)
    {
        Some(p) => Err(unsupported(
            format,
            format!(
                "{} has the {} pin {}: {format} takes SHA-256 pins only",
                who(i, d),
                p.pin.algorithm().name(),
                p.pin
            ),
        )),
        None => Ok(()),
    }
}

pub(super) fn enforce_only(format: &str, i: usize, d: &DomainEntry) -> Result<()> {
    if d.mode == Mode::Report {
        return Err(unsupported(
            format,
            format!(
                "{} is in report mode, which {format} cannot express: it would enforce the pins",
                who(i, d)
            ),
        ));
    }
    Ok(())
}

/// hpkp and curl have no comments: an entry that also requires CT or revocation
/// evidence cannot be written without silently loosening it.
pub(super) fn pins_only(format: &str, i: usize, d: &DomainEntry) -> Result<()> {
    let beyond = match (d.ct, d.revocation) {
        (Some(ct), _) => format!("\"ct\": \"{}\"", ct.name()),
        (None, r) if r != crate::revocation::RevocationMode::Off => {
            format!("\"revocation\": \"{}\"", r.name())
        }
        _ => return Ok(()),
    };
    Err(unsupported(
        format,
        format!(
            "{} also requires {beyond}, which {format} cannot express: it would check the pins only",
            who(i, d)
        ),
    ))
}

pub(super) fn active(d: &DomainEntry) -> Vec<&PinEntry> {
    d.pins
        .iter()
        .filter(|p| p.state == PinState::Active)
        .collect()
}

pub(super) fn need_active<'a>(
    format: &str,
    i: usize,
    d: &'a DomainEntry,
) -> Result<Vec<&'a PinEntry>> {
    let a = active(d);
    if a.is_empty() {
        return Err(unsupported(
            format,
            format!("{} has no active pin to write", who(i, d)),
        ));
    }
    Ok(a)
}

/// Comment lines for what an allow-list format leaves out or loosens.
pub(super) fn notes(
    d: &DomainEntry,
    positions: bool,
    expiry: bool,
    report_uri: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    for p in &d.pins {
        match p.state {
            PinState::Candidate => out.push(format!(
                "candidate pin {} is not written: it is not accepted until made active",
                p.pin
            )),
            PinState::Revoked => out.push(format!(
                "revoked pin {} cannot be expressed (no deny list): rotate away from that key",
                p.pin
            )),
            PinState::Active if positions && p.position != PinPosition::Any => out.push(format!(
                "pin {} is {}-only in certpin; this format matches it anywhere in the chain",
                p.pin,
                p.position.name()
            )),
            PinState::Active => {}
        }
    }
    if expiry {
        if let Some(e) = d.expires {
            out.push(format!(
                "certpin expires this entry at {}; this format has no expiry",
                e.to_rfc3339()
            ));
        }
    }
    if report_uri {
        if let Some(uri) = &d.report_uri {
            out.push(format!(
                "certpin reports to {uri}; this format has no report URI"
            ));
        }
    }
    if let Some(ct) = d.ct {
        out.push(format!(
            "certpin also checks Certificate Transparency for this entry (\"ct\": \"{}\"); this format does not",
            ct.name()
        ));
    }
    if d.revocation != crate::revocation::RevocationMode::Off {
        out.push(format!(
            "certpin also checks revocation for this entry (\"revocation\": \"{}\"); this format does not",
            d.revocation.name()
        ));
    }
    out
}

pub(super) fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub(super) fn comment_text(s: &str) -> String {
    s.replace("--", "- -")
}
