//! Android's network security config, read leniently: the `<domain-config>` pin-sets
//! become entries exactly as the strict importer reads them, and every element or
//! attribute with no certpin meaning becomes a finding naming where it is
//! (`network-security-config/domain-config[2]/trust-anchors`).
//!
//! Android's rules followed (developer.android.com/privacy-and-security/security-config):
//! a nested `<domain-config>` inherits what it does not set (the pin-set here); the most
//! specific `<domain>` wins; `<pin-set expiration>` turns pinning off after that date;
//! `<pin digest>` is SHA-256 only (Android refuses anything else, so does certpin);
//! `overridePins="true"` on a trust anchor skips pinning for chains that end at it.

mod xml;

use crate::limits::MAX_NSC_BYTES;
use xml::Element;

use super::export::{
    comment_text, enforce_only, need_active, notes, sha256_only, unsupported, who, xml_escape,
};
use super::Import;
use crate::error::{Error, Result};
use crate::finding::{Finding, FindingCode};
use crate::names::host::HostPattern;
use crate::pin::Pin;
use crate::policy::{DomainEntry, Policy};
use crate::time::UnixTime;
use core::fmt::Write as _;

fn nsc(reason: impl Into<String>) -> Error {
    Error::NscInvalid {
        reason: reason.into(),
    }
}

type PinSet = (Vec<Pin>, Option<UnixTime>);

/// `PinPolicy.fromAndroidNsc`: strict by default (`import_android_nsc`: anything but the
/// `<domain-config>`/`<domain>`/`<pin-set>` subset is `NSC_INVALID`, so there are no
/// findings); `lenient` imports the pin-sets and lists the rest as findings
/// (`import_android_nsc_lenient`).
pub fn import_android_nsc_choosing(xml: &str, lenient: bool) -> Result<Import> {
    if lenient {
        import_android_nsc_lenient(xml)
    } else {
        Ok(Import {
            policy: import_android_nsc(xml)?,
            findings: Vec::new(),
        })
    }
}

/// Imports the pins of a network security config and lists what it did not import.
/// Refused (`NSC_INVALID`): XML certpin cannot read, a pin that is not a SHA-256 digest,
/// a wildcard `<domain>`, two configs for one domain, or a config that pins nothing.
pub fn import_android_nsc_lenient(xml: &str) -> Result<Import> {
    let root = read_nsc_xml(xml)?;
    if root.name != "network-security-config" {
        return Err(nsc(format!(
            "the root element is <{}>, not <network-security-config>",
            root.name
        )));
    }
    let mut findings = Vec::new();
    let here = "network-security-config";
    unknown_attributes(&root, here, &[], &mut findings);
    let mut entries = Vec::new();
    let mut nth = Counter::default();
    for child in &root.children {
        let path = format!("{here}/{}", nth.next(&child.name));
        match child.name.as_str() {
            "domain-config" => domain_config(child, &path, None, &mut entries, &mut findings)?,
            "base-config" => base_config(child, &path, &mut findings)?,
            "debug-overrides" => {
                for c in child.children.iter().filter(|c| c.name != "trust-anchors") {
                    outside_domain_config(&c.name, &path, &mut findings)?;
                }
                let overrides = child
                    .children
                    .iter()
                    .filter(|c| c.name == "trust-anchors")
                    .flat_map(|c| c.children.iter())
                    .filter(|c| attribute(c, "overridePins") == Some("true"))
                    .count();
                findings.push(Finding::info(
                    FindingCode::ImportDebugOverrides,
                    format!(
                        "{path}: not imported. Android applies <debug-overrides> only to builds \
                         with android:debuggable=\"true\"{}; certpin has no debug build, so \
                         give a test environment its own policy instead",
                        if overrides > 0 {
                            " (here its trust anchors bypass the pins)"
                        } else {
                            ""
                        }
                    ),
                ));
            }
            other => unsupported_element(other, &path, &mut findings),
        }
    }
    if entries.is_empty() {
        return Err(nsc(
            "the config pins no domain (no <domain-config> has a <pin-set>): there is nothing \
             for certpin to import",
        ));
    }
    let policy = Policy::new(entries).map_err(|e| match e {
        Error::PolicyInvalid { path, reason } => nsc(format!("{path}: {reason}")),
        other => other,
    })?;
    Ok(Import { policy, findings })
}

/// `domain-config[2]`-style names for repeated children.
#[derive(Default)]
struct Counter(Vec<(String, usize)>);

impl Counter {
    fn next(&mut self, name: &str) -> String {
        let n = match self.0.iter_mut().find(|(k, _)| k == name) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                self.0.push((name.to_string(), 1));
                1
            }
        };
        format!("{name}[{n}]")
    }
}

fn attribute<'a>(e: &'a Element, name: &str) -> Option<&'a str> {
    e.attributes
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn unknown_attributes(e: &Element, path: &str, known: &[&str], out: &mut Vec<Finding>) {
    for (k, v) in &e.attributes {
        if !known.contains(&k.as_str()) {
            out.push(Finding::warning(
                FindingCode::ImportUnsupported,
                format!(
                    "{path}: attribute {k}={:?} is not imported: certpin does not know it",
                    v.chars().take(80).collect::<String>()
                ),
            ));
        }
    }
}

fn unsupported_element(name: &str, path: &str, out: &mut Vec<Finding>) {
    out.push(Finding::warning(
        FindingCode::ImportUnsupported,
        format!("{path}: <{name}> is not imported: certpin reads <domain-config> pins only"),
    ));
}

fn cleartext(e: &Element, path: &str, what: &str, out: &mut Vec<Finding>) {
    match attribute(e, "cleartextTrafficPermitted") {
        None => {}
        Some("true") => out.push(Finding::warning(
            FindingCode::ImportCleartext,
            format!(
                "{path}: cleartextTrafficPermitted=\"true\" is not imported: the app may reach \
                 {what} over plain HTTP, where no pin applies; certpin checks TLS connections only"
            ),
        )),
        Some(v) => out.push(Finding::info(
            FindingCode::ImportCleartext,
            format!(
                "{path}: cleartextTrafficPermitted={:?} is not imported: certpin cannot refuse \
                 plain HTTP; make sure {what} is only reached over https",
                v.chars().take(16).collect::<String>()
            ),
        )),
    }
}

fn trust_anchors(e: &Element, path: &str, out: &mut Vec<Finding>) -> Result<()> {
    unknown_attributes(e, path, &[], out);
    let mut sources = Vec::new();
    for c in &e.children {
        if c.name != "certificates" {
            unsupported_element(&c.name, path, out);
            continue;
        }
        unknown_attributes(c, path, &["src", "overridePins"], out);
        let src = attribute(c, "src").unwrap_or("(no src)");
        sources.push(src.chars().take(80).collect::<String>());
        if attribute(c, "overridePins") == Some("true") {
            out.push(Finding::warning(
                FindingCode::ImportPinOverride,
                format!(
                    "{path}: <certificates src={src:?} overridePins=\"true\"> made Android skip the \
                     pins for chains that end at these CAs; certpin enforces the pins for every \
                     chain, so such a chain (a debugging proxy, a corporate CA) is refused"
                ),
            ));
        }
    }
    out.push(Finding::warning(
        FindingCode::ImportTrustAnchors,
        format!(
            "{path}: the trust anchors ({}) are not imported: certpin checks pins on top of the \
             TLS stack's own validation and does not choose the CAs; give the same CAs to the \
             TLS stack (Node: the `ca` option or NODE_EXTRA_CA_CERTS)",
            if sources.is_empty() {
                "none".to_string()
            } else {
                sources.join(", ")
            }
        ),
    ));
    Ok(())
}

fn base_config(e: &Element, path: &str, out: &mut Vec<Finding>) -> Result<()> {
    unknown_attributes(e, path, &["cleartextTrafficPermitted"], out);
    cleartext(e, path, "every host without its own <domain-config>", out);
    let mut nth = Counter::default();
    for c in &e.children {
        let child_path = format!("{path}/{}", nth.next(&c.name));
        match c.name.as_str() {
            "trust-anchors" => trust_anchors(c, &child_path, out)?,
            other => outside_domain_config(other, &child_path, out)?,
        }
    }
    Ok(())
}

/// An element of `<base-config>` or `<debug-overrides>` other than trust anchors. A
/// `<pin-set>` or `<domain>` there is refused as Android refuses it: reading past it
/// would leave pins the author meant to apply silently unapplied.
fn outside_domain_config(name: &str, path: &str, out: &mut Vec<Finding>) -> Result<()> {
    if matches!(name, "pin-set" | "domain" | "domain-config") {
        return Err(nsc(format!(
            "{path}: Android allows <{name}> only inside a <domain-config>"
        )));
    }
    unsupported_element(name, path, out);
    Ok(())
}

fn pin_set(e: &Element, path: &str, out: &mut Vec<Finding>) -> Result<PinSet> {
    unknown_attributes(e, path, &["expiration"], out);
    let expires = match attribute(e, "expiration") {
        None => None,
        Some(v) => {
            let bad = || {
                nsc(format!(
                    "{path}: expiration {v:?} is not a date (yyyy-MM-dd)"
                ))
            };
            if v.len() != 10 {
                return Err(bad());
            }
            Some(UnixTime::parse_rfc3339(v).ok_or_else(bad)?)
        }
    };
    let mut pins = Vec::new();
    for p in &e.children {
        // Android's parser refuses anything else in a pin-set, and so does certpin: a pin
        // that is not read would be a pin silently missing.
        if p.name != "pin" || !p.children.is_empty() {
            return Err(nsc(format!(
                "{path}: <{}> inside <pin-set> is not supported: only <pin>",
                p.name
            )));
        }
        match p.attributes.as_slice() {
            [(k, v)] if k == "digest" && v == "SHA-256" => {}
            _ => {
                return Err(nsc(format!(
                    "{path}: a <pin> has exactly the attribute digest=\"SHA-256\" (Android knows no other digest)"
                )))
            }
        }
        let pin = Pin::parse(&format!("sha256/{}", p.text.trim()))
            .map_err(|e| nsc(format!("{path}: <pin>: {e}")))?;
        pins.push(pin);
    }
    if pins.is_empty() {
        return Err(nsc(format!("{path}: the <pin-set> has no <pin>")));
    }
    Ok((pins, expires))
}

fn domain_config(
    e: &Element,
    path: &str,
    inherited: Option<&PinSet>,
    entries: &mut Vec<DomainEntry>,
    out: &mut Vec<Finding>,
) -> Result<()> {
    unknown_attributes(e, path, &["cleartextTrafficPermitted"], out);
    let mut domains = Vec::new();
    let mut own: Option<PinSet> = None;
    let mut nth = Counter::default();
    let mut later = Vec::new();
    for c in &e.children {
        let child_path = format!("{path}/{}", nth.next(&c.name));
        match c.name.as_str() {
            "domain" => {
                let sub = match c.attributes.as_slice() {
                    [] => false,
                    [(k, v)] if k == "includeSubdomains" && v == "true" => true,
                    [(k, v)] if k == "includeSubdomains" && v == "false" => false,
                    _ => {
                        return Err(nsc(format!(
                        "{child_path}: <domain> takes only includeSubdomains=\"true\" or \"false\""
                    )))
                    }
                };
                if !c.children.is_empty() {
                    return Err(nsc(format!(
                        "{child_path}: <domain> holds only a host name"
                    )));
                }
                let text = c.text.trim();
                let host = HostPattern::parse(text)
                    .map_err(|r| nsc(format!("{child_path}: <domain>: {r}")))?;
                if !matches!(host, HostPattern::Exact(_)) {
                    return Err(nsc(format!(
                        "{child_path}: <domain>{text}</domain>: Android domains have no wildcards"
                    )));
                }
                domains.push((host, sub));
            }
            "pin-set" => {
                if own.is_some() {
                    return Err(nsc(format!(
                        "{child_path}: a <domain-config> has more than one <pin-set>"
                    )));
                }
                own = Some(pin_set(c, &child_path, out)?);
            }
            "trust-anchors" => later.push((c, child_path)),
            "domain-config" => later.push((c, child_path)),
            other => unsupported_element(other, &child_path, out),
        }
    }
    let names = domains
        .iter()
        .map(|(h, sub)| {
            if *sub {
                format!("{h} and its subdomains")
            } else {
                h.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    if domains.is_empty() {
        return Err(nsc(format!("{path}: a <domain-config> has no <domain>")));
    }
    cleartext(e, path, &names, out);
    let effective = own.as_ref().or(inherited);
    for (c, child_path) in later {
        if c.name == "trust-anchors" {
            trust_anchors(c, &child_path, out)?;
        } else {
            domain_config(c, &child_path, effective, entries, out)?;
        }
    }
    let Some((pins, expires)) = effective else {
        out.push(Finding::info(
            FindingCode::ImportNotPinned,
            format!("{path}: {names} has no <pin-set>: not pinned in the policy either"),
        ));
        return Ok(());
    };
    for (host, sub) in domains {
        entries.push(DomainEntry {
            expires: *expires,
            ..DomainEntry::of_active_pins(host, sub, pins.iter().cloned())
        });
    }
    Ok(())
}

// ---- The XML, read strictly ----

/// Reads a network security config's XML (bounded by `MAX_NSC_BYTES`) into elements,
/// for both importers.
pub(crate) fn read_nsc_xml(xml: &str) -> Result<Element> {
    if xml.len() > MAX_NSC_BYTES {
        return Err(nsc(format!(
            "{} bytes, over the limit of {MAX_NSC_BYTES}",
            xml.len()
        )));
    }
    xml::document(xml)
}

// ---- Import, strict: the <domain-config> subset only ----

/// Imports Android's `network_security_config.xml` (the `<domain-config>` elements with
/// `<domain>` and `<pin-set>`) as a policy document. Only that subset is read, strictly:
/// an element or attribute certpin does not know (`trust-anchors`, `base-config`,
/// `cleartextTrafficPermitted`…) is an `NSC_INVALID` error naming it, so nothing that
/// changes the config's meaning is skipped. Each `<domain>` becomes one entry with the
/// pin-set of its `<domain-config>`; nested domain-configs inherit the parent's pin-set
/// when they have none (Android's inheritance).
pub fn import_android_nsc(xml: &str) -> Result<Policy> {
    let root = read_nsc_xml(xml)?;
    if root.name != "network-security-config" {
        return Err(nsc(format!(
            "the root element is <{}>, not <network-security-config>",
            root.name
        )));
    }
    no_attributes(&root)?;
    let mut entries = Vec::new();
    for child in &root.children {
        if child.name != "domain-config" {
            return Err(nsc(format!(
                "<{}> is not supported: certpin imports <domain-config> pins only",
                child.name
            )));
        }
        strict_domain_config(child, None, &mut entries)?;
    }
    Policy::new(entries).map_err(|e| match e {
        Error::PolicyInvalid { path, reason } => nsc(format!("{path}: {reason}")),
        other => other,
    })
}

fn no_attributes(e: &Element) -> Result<()> {
    match e.attributes.first() {
        Some((a, _)) => Err(nsc(format!(
            "attribute {a:?} of <{}> is not supported",
            e.name
        ))),
        None => Ok(()),
    }
}

fn strict_domain_config(
    e: &Element,
    inherited: Option<&(Vec<Pin>, Option<UnixTime>)>,
    out: &mut Vec<DomainEntry>,
) -> Result<()> {
    no_attributes(e)?;
    let mut domains = Vec::new();
    let mut pin_set: Option<(Vec<Pin>, Option<UnixTime>)> = None;
    for c in &e.children {
        match c.name.as_str() {
            "domain" => {
                let mut sub = false;
                for (k, v) in &c.attributes {
                    match (k.as_str(), v.as_str()) {
                        ("includeSubdomains", "true") => sub = true,
                        ("includeSubdomains", "false") => sub = false,
                        _ => return Err(nsc(format!("<domain {k}={v:?}> is not supported: includeSubdomains is \"true\" or \"false\""))),
                    }
                }
                if !c.children.is_empty() {
                    return Err(nsc("<domain> holds only a host name"));
                }
                let host = HostPattern::parse(c.text.trim()).map_err(|r| nsc(format!("<domain>: {r}")))?;
                if !matches!(host, HostPattern::Exact(_)) {
                    return Err(nsc(format!("<domain>{}</domain>: Android domains have no wildcards", c.text.trim())));
                }
                domains.push((host, sub));
            }
            "pin-set" => {
                if pin_set.is_some() {
                    return Err(nsc("a <domain-config> has more than one <pin-set>"));
                }
                let mut expires = None;
                for (k, v) in &c.attributes {
                    if k != "expiration" {
                        return Err(nsc(format!("attribute {k:?} of <pin-set> is not supported")));
                    }
                    if v.len() != 10 {
                        return Err(nsc(format!("expiration {v:?} is not a date (yyyy-MM-dd)")));
                    }
                    expires = Some(UnixTime::parse_rfc3339(v).ok_or_else(|| nsc(format!("expiration {v:?} is not a date (yyyy-MM-dd)")))?);
                }
                let mut pins = Vec::new();
                for p in &c.children {
                    if p.name != "pin" || !p.children.is_empty() {
                        return Err(nsc(format!("<{}> inside <pin-set> is not supported: only <pin>", p.name)));
                    }
                    match p.attributes.as_slice() {
                        [(k, v)] if k == "digest" && v == "SHA-256" => {}
                        _ => return Err(nsc("a <pin> has exactly the attribute digest=\"SHA-256\"")),
                    }
                    let pin = Pin::parse(&format!("sha256/{}", p.text.trim())).map_err(|e| nsc(format!("<pin>: {e}")))?;
                    pins.push(pin);
                }
                if pins.is_empty() {
                    return Err(nsc("a <pin-set> has no <pin>"));
                }
                pin_set = Some((pins, expires));
            }
            "domain-config" => {}
            other => return Err(nsc(format!("<{other}> inside <domain-config> is not supported: certpin imports <domain> and <pin-set> only"))),
        }
    }
    if domains.is_empty() {
        return Err(nsc("a <domain-config> has no <domain>"));
    }
    let effective = pin_set.as_ref().or(inherited);
    for c in e.children.iter().filter(|c| c.name == "domain-config") {
        strict_domain_config(c, effective, out)?;
    }
    let Some((pins, expires)) = effective else {
        return Err(nsc(format!(
            "<domain-config> for {} has no <pin-set>",
            domains
                .first()
                .map(|(h, _)| h.to_string())
                .unwrap_or_default()
        )));
    };
    for (host, sub) in domains {
        out.push(DomainEntry {
            expires: *expires,
            ..DomainEntry::of_active_pins(host, sub, pins.iter().cloned())
        });
    }
    Ok(())
}

// ---- Export ----

pub(super) fn export(policy: &Policy) -> Result<String> {
    // https://developer.android.com/privacy-and-security/security-config#CertificatePinning
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- Generated by certpin. -->\n<network-security-config>\n");
    for (i, d) in policy.domains().iter().enumerate() {
        sha256_only("android-nsc", i, d)?;
        enforce_only("android-nsc", i, d)?;
        let pins = need_active("android-nsc", i, d)?;
        let (name, sub) = match &d.host {
            HostPattern::Exact(n) => (n, d.include_subdomains),
            HostPattern::AnyDepth(n) => (n, true),
            HostPattern::OneLabel(_) => {
                return Err(unsupported("android-nsc", format!("{}: Android cannot pin *.name (exactly one label); use **.name or the exact hosts", who(i, d))))
            }
        };
        out.push_str("    <domain-config>\n");
        let mut ns = notes(d, true, false, true);
        if let Some(e) = d.expires {
            if e.as_seconds().rem_euclid(86_400) != 0 {
                ns.push(format!("certpin expires this entry at {}; Android's expiration is a date (device-local midnight)", e.to_rfc3339()));
            }
        }
        for note in ns {
            let _ = writeln!(out, "        <!-- {} -->", comment_text(&note));
        }
        let _ = writeln!(
            out,
            "        <domain includeSubdomains=\"{sub}\">{}</domain>",
            xml_escape(name)
        );
        match d.expires {
            Some(e) => {
                let _ = writeln!(
                    out,
                    "        <pin-set expiration=\"{}\">",
                    e.to_rfc3339().get(..10).unwrap_or_default()
                );
            }
            None => out.push_str("        <pin-set>\n"),
        }
        for p in pins {
            let _ = writeln!(
                out,
                "            <pin digest=\"SHA-256\">{}</pin>",
                p.pin.base64()
            );
        }
        out.push_str("        </pin-set>\n    </domain-config>\n");
    }
    out.push_str("</network-security-config>\n");
    Ok(out)
}
