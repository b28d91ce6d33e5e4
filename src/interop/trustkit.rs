//! TrustKit's configuration (datatheorem/TrustKit, `TrustKit/TSKTrustKitConfig.h` and
//! docs/getting-started.md) in a JSON form: either the whole configuration
//! `{ "kTSKSwizzleNetworkDelegates": false, "kTSKPinnedDomains": { … } }` or the
//! `kTSKPinnedDomains` dictionary alone. Keys are read strictly: an unknown key is a
//! `TRUSTKIT_INVALID` error naming its path (a typo must not silently drop a setting);
//! known keys certpin cannot express are findings.
//!
//! Per domain: `kTSKPublicKeyHashes` (base64 SHA-256 SPKI digests, 32 bytes each) become
//! the pins; `kTSKIncludeSubdomains` → `includeSubdomains`; `kTSKEnforcePinning` (default
//! true) → mode `enforce` / `report`; `kTSKExpirationDate` ("yyyy-MM-dd", UTC midnight as
//! TrustKit iOS reads it) → `expires`; the first of `kTSKReportUris` → `reportUri`.
//! TrustKit's own refusals (fewer than two pins, includeSubdomains on a public suffix)
//! are findings: certpin would accept such a policy, TrustKit would not have.

use super::Import;
use crate::error::{Error, Result};
use crate::finding::{Finding, FindingCode};
use crate::limits::{MAX_TRUSTKIT_BYTES, MAX_TRUSTKIT_REPORT_URIS};
use crate::names::host::HostPattern;
use crate::pin::Pin;
use crate::policy::{DomainEntry, Mode, Policy, StrictJson};
use crate::time::UnixTime;
use serde_json::{Map, Value};

const DOMAINS: &str = "kTSKPinnedDomains";

fn invalid(path: &str, reason: impl Into<String>) -> Error {
    Error::TrustKitInvalid {
        path: path.to_string(),
        reason: reason.into(),
    }
}

use super::export::{need_active, notes, sha256_only, unsupported, who};
use crate::policy::type_name as kind;
use core::fmt::Write as _;

fn boolean(v: &Value, path: &str) -> Result<bool> {
    v.as_bool()
        .ok_or_else(|| invalid(path, format!("must be true or false, not {}", kind(v))))
}

fn strings<'a>(v: &'a Value, path: &str, limit: usize) -> Result<Vec<&'a str>> {
    let list = v.as_array().ok_or_else(|| {
        invalid(
            path,
            format!("must be an array of strings, not {}", kind(v)),
        )
    })?;
    if list.len() > limit {
        return Err(invalid(
            path,
            format!("{} items, over the limit of {limit}", list.len()),
        ));
    }
    list.iter()
        .enumerate()
        .map(|(i, s)| {
            s.as_str().ok_or_else(|| {
                invalid(
                    &format!("{path}[{i}]"),
                    format!("must be a string, not {}", kind(s)),
                )
            })
        })
        .collect()
}

/// Imports a TrustKit configuration (JSON text).
pub fn import_trustkit(text: &str) -> Result<Import> {
    if text.len() > MAX_TRUSTKIT_BYTES {
        return Err(invalid(
            "$",
            format!(
                "the configuration is {} bytes, over the limit of {MAX_TRUSTKIT_BYTES}",
                text.len()
            ),
        ));
    }
    let StrictJson(value) = serde_json::from_str(text)
        .map_err(|e| invalid("$", format!("the configuration is not valid JSON: {e}")))?;
    let root = value.as_object().ok_or_else(|| {
        invalid(
            "$",
            format!("the configuration must be an object, not {}", kind(&value)),
        )
    })?;
    let mut findings = Vec::new();
    let whole_config = root.keys().any(|k| k.starts_with("kTSK"));
    let (domains, prefix) = if whole_config {
        for (key, v) in root {
            match key.as_str() {
                DOMAINS => {}
                "kTSKSwizzleNetworkDelegates" => {
                    boolean(v, key)?;
                    findings.push(Finding::info(
                        FindingCode::ImportUnsupported,
                        format!("{key} is not imported: it is about how TrustKit hooks into an iOS app; with certpin, the adapter (certpin/node) or your own check does the pinning"),
                    ));
                }
                "kTSKIgnorePinningForUserDefinedTrustAnchors" => {
                    if boolean(v, key)? {
                        findings.push(Finding::warning(
                            FindingCode::ImportPinOverride,
                            format!("{key}: true made TrustKit skip the pins for chains that end at a user-installed CA; certpin enforces the pins for every chain, so such a chain (a debugging proxy, a corporate CA) is refused"),
                        ));
                    }
                }
                other => {
                    return Err(invalid(
                        other,
                        format!(
                            "unknown key {:?}; the keys here are {DOMAINS}, kTSKSwizzleNetworkDelegates, kTSKIgnorePinningForUserDefinedTrustAnchors",
                            other.chars().take(64).collect::<String>()
                        ),
                    ))
                }
            }
        }
        let domains = root
            .get(DOMAINS)
            .ok_or_else(|| invalid(DOMAINS, "the pinned domains are missing"))?;
        let domains = domains.as_object().ok_or_else(|| {
            invalid(
                DOMAINS,
                format!("must be an object of domains, not {}", kind(domains)),
            )
        })?;
        (domains, DOMAINS)
    } else {
        (root, "")
    };
    if domains.len() > crate::limits::MAX_DOMAINS {
        return Err(invalid(
            if prefix.is_empty() { "$" } else { prefix },
            format!(
                "{} domains, over the limit of {}",
                domains.len(),
                crate::limits::MAX_DOMAINS
            ),
        ));
    }
    let mut entries = Vec::new();
    let mut paths = Vec::new();
    for (name, config) in domains {
        let path = format!("{prefix}[{:?}]", name.chars().take(255).collect::<String>());
        if let Some(entry) = domain(name, config, &path, &mut findings)? {
            entries.push(entry);
            paths.push(path);
        }
    }
    let policy = Policy::new(entries).map_err(|e| match e {
        Error::PolicyInvalid { path, reason } => {
            // domains[i].field → the TrustKit path of that domain
            let mapped = path
                .strip_prefix("domains[")
                .and_then(|r| r.split_once(']'))
                .and_then(|(n, rest)| {
                    let p = paths.get(n.parse::<usize>().ok()?)?;
                    Some(format!("{p}{rest}"))
                })
                .unwrap_or_else(|| {
                    if prefix.is_empty() {
                        "$".into()
                    } else {
                        prefix.into()
                    }
                });
            invalid(&mapped, reason)
        }
        other => other,
    })?;
    Ok(Import { policy, findings })
}

const DOMAIN_KEYS: &[&str] = &[
    "kTSKPublicKeyHashes",
    "kTSKIncludeSubdomains",
    "kTSKEnforcePinning",
    "kTSKExpirationDate",
    "kTSKReportUris",
    "kTSKDisableDefaultReportUri",
    "kTSKExcludeSubdomainFromParentPolicy",
    "kTSKPublicKeyAlgorithms",
    "kTSKAdditionalTrustAnchors",
];

fn domain(
    name: &str,
    config: &Value,
    path: &str,
    findings: &mut Vec<Finding>,
) -> Result<Option<DomainEntry>> {
    let host = HostPattern::parse(name).map_err(|r| invalid(path, r))?;
    if !matches!(host, HostPattern::Exact(_)) {
        return Err(invalid(
            path,
            "TrustKit domains have no wildcards: write the name and kTSKIncludeSubdomains: true",
        ));
    }
    let obj: &Map<String, Value> = config.as_object().ok_or_else(|| {
        invalid(
            path,
            format!(
                "a domain's configuration is an object, not {}",
                kind(config)
            ),
        )
    })?;
    for key in obj.keys() {
        if !DOMAIN_KEYS.contains(&key.as_str()) {
            let hint = DOMAIN_KEYS
                .iter()
                .find(|k| k.eq_ignore_ascii_case(key))
                .map(|k| format!(" (did you mean {k}?)"))
                .unwrap_or_default();
            return Err(invalid(
                &format!("{path}.{}", key.chars().take(64).collect::<String>()),
                format!(
                    "unknown key{hint}; the keys of a domain are {}",
                    DOMAIN_KEYS.join(", ")
                ),
            ));
        }
    }
    let at = |key: &str| format!("{path}.{key}");
    let flag = |key: &str| -> Result<Option<bool>> {
        obj.get(key).map(|v| boolean(v, &at(key))).transpose()
    };
    if flag("kTSKExcludeSubdomainFromParentPolicy")? == Some(true) {
        findings.push(Finding::warning(
            FindingCode::ImportSubdomainNotExcluded,
            format!("{path}: kTSKExcludeSubdomainFromParentPolicy took {name} out of its parent's pinning; certpin cannot unpin a name below a pinned parent, so {name} keeps the parent's pins (stricter)"),
        ));
        return Ok(None);
    }
    if obj.contains_key("kTSKPublicKeyAlgorithms") {
        findings.push(Finding::info(
            FindingCode::ImportUnsupported,
            format!("{path}.kTSKPublicKeyAlgorithms is not imported: TrustKit 1.6 and later ignore it too (a pin is a hash of the whole SubjectPublicKeyInfo, whatever its algorithm)"),
        ));
    }
    if obj.contains_key("kTSKAdditionalTrustAnchors") {
        findings.push(Finding::warning(
            FindingCode::ImportTrustAnchors,
            format!("{path}.kTSKAdditionalTrustAnchors is not imported: certpin checks pins on top of the TLS stack's own validation and does not choose the CAs; give the same CAs to the TLS stack (Node: the `ca` option or NODE_EXTRA_CA_CERTS)"),
        ));
    }
    let hashes_path = at("kTSKPublicKeyHashes");
    let hashes = strings(
        obj.get("kTSKPublicKeyHashes").ok_or_else(|| {
            invalid(
                &hashes_path,
                "the pins are missing: a domain needs its public key hashes",
            )
        })?,
        &hashes_path,
        crate::limits::MAX_PINS_PER_DOMAIN,
    )?;
    let mut pins = Vec::new();
    for (i, h) in hashes.iter().enumerate() {
        let p = format!("{hashes_path}[{i}]");
        // TrustKit hashes are bare base64 of a SHA-256 digest; it refuses other lengths.
        if h.trim_start().to_ascii_lowercase().starts_with("sha") && h.contains('/') {
            return Err(invalid(
                &p,
                "TrustKit hashes are the bare base64 of a SHA-256 digest: drop the sha256/ prefix",
            ));
        }
        let pin = Pin::parse(&format!("sha256/{}", h.trim())).map_err(|e| {
            invalid(
                &p,
                format!("not a TrustKit hash (base64 of a 32-byte SHA-256 digest): {e}"),
            )
        })?;
        if pins.contains(&pin) {
            return Err(invalid(&p, "this hash is listed twice"));
        }
        pins.push(pin);
    }
    let include_subdomains = flag("kTSKIncludeSubdomains")?.unwrap_or(false);
    let enforce = flag("kTSKEnforcePinning")?.unwrap_or(true);
    if pins.len() < 2 {
        findings.push(Finding::warning(
            FindingCode::ImportTooFewPins,
            format!("{path}: {} pin(s): TrustKit refuses a domain with fewer than two pins (it needs a backup pin); certpin accepts it, but add the pin of a backup key kept offline", pins.len()),
        ));
    }
    if include_subdomains && crate::names::suffix::is_public_suffix(host.name()) {
        findings.push(Finding::warning(
            FindingCode::ImportPublicSuffix,
            format!("{path}: kTSKIncludeSubdomains on {name}, a public suffix: TrustKit refuses this (it would pin every site below it)"),
        ));
    }
    let expires = match obj.get("kTSKExpirationDate") {
        None => None,
        Some(v) => {
            let p = at("kTSKExpirationDate");
            let text = v.as_str().ok_or_else(|| {
                invalid(
                    &p,
                    format!("must be a date string (yyyy-MM-dd), not {}", kind(v)),
                )
            })?;
            let bad = || {
                invalid(
                    &p,
                    format!(
                        "{:?} is not a date (yyyy-MM-dd)",
                        text.chars().take(32).collect::<String>()
                    ),
                )
            };
            if text.len() != 10 {
                return Err(bad());
            }
            Some(UnixTime::parse_rfc3339(text).ok_or_else(bad)?)
        }
    };
    let mut report_uri = None;
    if let Some(v) = obj.get("kTSKReportUris") {
        let p = at("kTSKReportUris");
        let uris = strings(v, &p, MAX_TRUSTKIT_REPORT_URIS)?;
        report_uri = uris.first().map(|u| u.to_string());
        if uris.len() > 1 {
            findings.push(Finding::warning(
                FindingCode::ImportReportUri,
                format!(
                    "{p}: certpin reports to one URI per entry; {} not imported (send to them from your onReport handler)",
                    uris.get(1..).unwrap_or_default().join(", ")
                ),
            ));
        }
    }
    if flag("kTSKDisableDefaultReportUri")? == Some(false) {
        findings.push(Finding::info(
            FindingCode::ImportReportUri,
            format!("{path}.kTSKDisableDefaultReportUri: false asked TrustKit to also report to its default URI; certpin has no default report URI"),
        ));
    }
    Ok(Some(DomainEntry {
        expires,
        mode: if enforce { Mode::Enforce } else { Mode::Report },
        report_uri,
        ..DomainEntry::of_active_pins(host, include_subdomains, pins)
    }))
}

// ---- Export: a TrustKit configuration (Swift) ----

pub(super) fn export(policy: &Policy) -> Result<String> {
    // TrustKit's configuration keys (TrustKit.h, datatheorem/TrustKit docs/getting-started.md).
    let mut out = String::from("// Generated by certpin. TrustKit configuration.\nlet trustKitConfig: [String: Any] = [\n    kTSKPinnedDomains: [\n");
    for (i, d) in policy.domains().iter().enumerate() {
        sha256_only("trustkit", i, d)?;
        let pins = need_active("trustkit", i, d)?;
        if pins.len() < 2 {
            return Err(unsupported(
                "trustkit",
                format!(
                    "{} has {} active pin: TrustKit refuses a domain with fewer than two pins",
                    who(i, d),
                    pins.len()
                ),
            ));
        }
        let (name, sub) = match &d.host {
            HostPattern::Exact(n) => (n, d.include_subdomains),
            HostPattern::AnyDepth(n) => (n, true),
            HostPattern::OneLabel(_) => {
                return Err(unsupported("trustkit", format!("{}: TrustKit cannot pin *.name (exactly one label); use **.name or the exact hosts", who(i, d))))
            }
        };
        for note in notes(d, true, false, false) {
            let _ = writeln!(out, "        // {note}");
        }
        let _ = writeln!(out, "        \"{name}\": [");
        let _ = writeln!(out, "            kTSKIncludeSubdomains: {sub},");
        let _ = writeln!(
            out,
            "            kTSKEnforcePinning: {},",
            d.mode == Mode::Enforce
        );
        if let Some(e) = d.expires {
            let _ = writeln!(
                out,
                "            kTSKExpirationDate: \"{}\",",
                e.to_rfc3339().get(..10).unwrap_or_default()
            );
        }
        out.push_str("            kTSKPublicKeyHashes: [\n");
        for p in pins {
            let _ = writeln!(out, "                \"{}\",", p.pin.base64());
        }
        out.push_str("            ],\n");
        if let Some(uri) = &d.report_uri {
            let _ = writeln!(out, "            kTSKReportUris: [\"{uri}\"],");
        }
        out.push_str("        ],\n");
    }
    out.push_str("    ],\n]\n");
    Ok(out)
}
