//! Export of a policy to the configuration formats of other pinning systems, and import
//! of Android's network security config.
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
use crate::names::host::HostPattern;
use crate::pin::{HashAlgorithm, Pin};
use crate::policy::{DomainEntry, Mode, PinEntry, PinPosition, PinState, Policy};
use crate::x509::name::{parse_rfc3339, rfc3339};
use core::fmt::Write as _;

/// The `max-age` written by the HPKP exports: 60 days (RFC 7469 section 2.1.2's
/// example). certpin's `expires` is absolute and exports read no clock.
pub const HPKP_EXPORT_MAX_AGE: u64 = 5_184_000;

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

fn unsupported(format: &str, reason: impl Into<String>) -> Error {
    Error::FormatUnsupported {
        format: format.into(),
        reason: reason.into(),
    }
}

fn who(i: usize, d: &DomainEntry) -> String {
    format!("domains[{i}] ({})", d.describe())
}

/// Writes `policy` in `format` (one of `EXPORT_FORMATS`).
pub fn export(policy: &Policy, format: &str) -> Result<String> {
    match format {
        "hpkp" => hpkp(policy, false),
        "hpkp-report-only" => hpkp(policy, true),
        "okhttp" => okhttp(policy),
        "android-nsc" => android_nsc(policy),
        "trustkit" => trustkit(policy),
        "apple-ats" => apple_ats(policy),
        "curl" => curl(policy),
        "tlsa" => tlsa(policy),
        other => Err(Error::InvalidArgument {
            argument: "format".into(),
            reason: format!("{other:?} is not one of {}", EXPORT_FORMATS.join(", ")),
        }),
    }
}

fn sha256_only(format: &str, i: usize, d: &DomainEntry) -> Result<()> {
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

fn enforce_only(format: &str, i: usize, d: &DomainEntry) -> Result<()> {
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
fn pins_only(format: &str, i: usize, d: &DomainEntry) -> Result<()> {
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

fn active(d: &DomainEntry) -> Vec<&PinEntry> {
    d.pins
        .iter()
        .filter(|p| p.state == PinState::Active)
        .collect()
}

fn need_active<'a>(format: &str, i: usize, d: &'a DomainEntry) -> Result<Vec<&'a PinEntry>> {
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
fn notes(d: &DomainEntry, positions: bool, expiry: bool, report_uri: bool) -> Vec<String> {
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
                rfc3339(e)
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

fn hpkp(policy: &Policy, report_only: bool) -> Result<String> {
    let format = if report_only {
        "hpkp-report-only"
    } else {
        "hpkp"
    };
    let [d] = policy.domains() else {
        return Err(unsupported(format, "an HPKP header pins the one host that sends it: export a policy with exactly one entry"));
    };
    sha256_only(format, 0, d)?;
    pins_only(format, 0, d)?;
    if !report_only {
        enforce_only(format, 0, d)?;
    }
    if let HostPattern::OneLabel(_) = d.host {
        return Err(unsupported(
            format,
            "HPKP cannot pin *.name (one label): use the exact host or **.name",
        ));
    }
    if let Some(p) = d
        .pins
        .iter()
        .find(|p| p.state != PinState::Active || p.position != PinPosition::Any)
    {
        return Err(unsupported(
            format,
            format!("pin {} is {} / {}: an HPKP header has only active pins matched anywhere in the chain", p.pin, p.state.name(), p.position.name()),
        ));
    }
    let mut out = String::from(if report_only {
        "Public-Key-Pins-Report-Only: "
    } else {
        "Public-Key-Pins: "
    });
    for p in &d.pins {
        let _ = write!(out, "pin-sha256=\"{}\"; ", p.pin.base64());
    }
    let _ = write!(out, "max-age={HPKP_EXPORT_MAX_AGE}");
    if d.include_subdomains || matches!(d.host, HostPattern::AnyDepth(_)) {
        out.push_str("; includeSubDomains");
    }
    if let Some(uri) = &d.report_uri {
        let _ = write!(out, "; report-uri=\"{uri}\"");
    }
    Ok(out)
}

fn okhttp(policy: &Policy) -> Result<String> {
    let domains = policy.domains();
    for (i, a) in domains.iter().enumerate() {
        sha256_only("okhttp", i, a)?;
        enforce_only("okhttp", i, a)?;
        need_active("okhttp", i, a)?;
        for (j, b) in domains.iter().enumerate().skip(i + 1) {
            if overlap(a, b) {
                return Err(unsupported(
                    "okhttp",
                    format!("{} and {} overlap: OkHttp accepts the pins of every matching pattern, certpin only the most specific entry's", who(i, a), who(j, b)),
                ));
            }
        }
    }
    // https://square.github.io/okhttp/5.x/okhttp/okhttp3/-certificate-pinner/
    let mut out = String::from("// Generated by certpin. OkHttp CertificatePinner (okhttp3).\nval certificatePinner = CertificatePinner.Builder()\n");
    for d in domains {
        for note in notes(d, true, true, true) {
            let _ = writeln!(out, "    // {note}");
        }
        let pattern = match &d.host {
            HostPattern::Exact(n) if d.include_subdomains => format!("**.{n}"),
            other => other.to_string(),
        };
        let pins: Vec<String> = active(d).iter().map(|p| format!("\"{}\"", p.pin)).collect();
        let _ = writeln!(
            out,
            "    .add(\n        \"{pattern}\",\n        {},\n    )",
            pins.join(",\n        ")
        );
    }
    out.push_str("    .build()\n");
    Ok(out)
}

/// Whether some name is matched by both entries.
fn overlap(a: &DomainEntry, b: &DomainEntry) -> bool {
    let probes = |d: &DomainEntry| -> Vec<String> {
        let n = d.host.name();
        vec![
            n.to_string(),
            format!("certpin-probe.{n}"),
            format!("certpin-probe.certpin-probe.{n}"),
        ]
    };
    probes(a).iter().chain(probes(b).iter()).any(|n| {
        a.host.matches(n, a.include_subdomains).is_some()
            && b.host.matches(n, b.include_subdomains).is_some()
    })
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn comment_text(s: &str) -> String {
    s.replace("--", "- -")
}

fn android_nsc(policy: &Policy) -> Result<String> {
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
            if e.rem_euclid(86_400) != 0 {
                ns.push(format!("certpin expires this entry at {}; Android's expiration is a date (device-local midnight)", rfc3339(e)));
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
                    rfc3339(e).get(..10).unwrap_or_default()
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

fn trustkit(policy: &Policy) -> Result<String> {
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
                rfc3339(e).get(..10).unwrap_or_default()
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

fn apple_ats(policy: &Policy) -> Result<String> {
    // https://developer.apple.com/documentation/bundleresources/information-property-list/nsapptransportsecurity/nspinneddomains
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n<!-- Generated by certpin. -->\n<plist version=\"1.0\">\n<dict>\n\t<key>NSAppTransportSecurity</key>\n\t<dict>\n\t\t<key>NSPinnedDomains</key>\n\t\t<dict>\n",
    );
    for (i, d) in policy.domains().iter().enumerate() {
        sha256_only("apple-ats", i, d)?;
        enforce_only("apple-ats", i, d)?;
        let pins = need_active("apple-ats", i, d)?;
        let HostPattern::Exact(name) = &d.host else {
            return Err(unsupported("apple-ats", format!("{}: ATS has no wildcard patterns (NSIncludesSubdomains covers one extra label and the name itself)", who(i, d))));
        };
        if d.include_subdomains {
            return Err(unsupported("apple-ats", format!("{}: ATS's NSIncludesSubdomains covers only one extra label, not all subdomains", who(i, d))));
        }
        let position = pins.first().map(|p| p.position).unwrap_or(PinPosition::Any);
        if position == PinPosition::Any || pins.iter().any(|p| p.position != position) {
            return Err(unsupported(
                "apple-ats",
                format!("{}: ATS pins leaf keys (NSPinnedLeafIdentities) or CA keys (NSPinnedCAIdentities) and needs a match in each list given; set every active pin's position to \"leaf\" or to \"ca\"", who(i, d)),
            ));
        }
        for note in notes(d, false, true, true) {
            let _ = writeln!(out, "\t\t\t<!-- {} -->", comment_text(&note));
        }
        let key = if position == PinPosition::Leaf {
            "NSPinnedLeafIdentities"
        } else {
            "NSPinnedCAIdentities"
        };
        let _ = writeln!(out, "\t\t\t<key>{}</key>\n\t\t\t<dict>\n\t\t\t\t<key>NSIncludesSubdomains</key>\n\t\t\t\t<false/>\n\t\t\t\t<key>{key}</key>\n\t\t\t\t<array>", xml_escape(name));
        for p in pins {
            let _ = writeln!(out, "\t\t\t\t\t<dict>\n\t\t\t\t\t\t<key>SPKI-SHA256-BASE64</key>\n\t\t\t\t\t\t<string>{}</string>\n\t\t\t\t\t</dict>", p.pin.base64());
        }
        out.push_str("\t\t\t\t</array>\n\t\t\t</dict>\n");
    }
    out.push_str("\t\t</dict>\n\t</dict>\n</dict>\n</plist>\n");
    Ok(out)
}

fn curl(policy: &Policy) -> Result<String> {
    // https://curl.se/docs/manpage.html#--pinnedpubkey : sha256//<base64>;sha256//<base64>
    let [d] = policy.domains() else {
        return Err(unsupported(
            "curl",
            "--pinnedpubkey pins one connection: export a policy with exactly one entry",
        ));
    };
    sha256_only("curl", 0, d)?;
    pins_only("curl", 0, d)?;
    enforce_only("curl", 0, d)?;
    if let Some(p) = d
        .pins
        .iter()
        .find(|p| p.state != PinState::Active || p.position != PinPosition::Any)
    {
        return Err(unsupported(
            "curl",
            format!(
                "pin {} is {} / {}: --pinnedpubkey takes only active pins matched anywhere",
                p.pin,
                p.state.name(),
                p.position.name()
            ),
        ));
    }
    Ok(d.pins
        .iter()
        .map(|p| format!("sha256//{}", p.pin.base64()))
        .collect::<Vec<_>>()
        .join(";"))
}

fn tlsa(policy: &Policy) -> Result<String> {
    // RFC 6698 section 2.1 / RFC 7671: usage 3 (DANE-EE) for leaf keys, 2 (DANE-TA) for CA keys.
    let mut out = String::from("; Generated by certpin. DANE TLSA records (RFC 6698), port 443.\n");
    for (i, d) in policy.domains().iter().enumerate() {
        enforce_only("tlsa", i, d)?;
        let pins = need_active("tlsa", i, d)?;
        let HostPattern::Exact(name) = &d.host else {
            return Err(unsupported(
                "tlsa",
                format!(
                    "{}: a TLSA record names one host; publish records for each name",
                    who(i, d)
                ),
            ));
        };
        if d.host.is_ip() {
            return Err(unsupported(
                "tlsa",
                format!("{}: an IP address has no TLSA records", who(i, d)),
            ));
        }
        for note in notes(d, false, true, true) {
            let _ = writeln!(out, "; {note}");
        }
        if d.include_subdomains {
            let _ = writeln!(out, "; {name} includes subdomains in certpin: publish TLSA records for each subdomain too");
        }
        for p in pins {
            let matching = p.pin.tlsa_matching_type().map_err(|_| {
                unsupported(
                    "tlsa",
                    format!(
                        "{} has the sha384 pin {}: TLSA has SHA2-256 and SHA2-512 only",
                        who(i, d),
                        p.pin
                    ),
                )
            })?;
            let usages: &[u8] = match p.position {
                PinPosition::Leaf => &[3],
                PinPosition::Ca => &[2],
                PinPosition::Any => &[3, 2],
            };
            for usage in usages {
                let _ = writeln!(
                    out,
                    "_443._tcp.{name}. IN TLSA {usage} 1 {matching} {}",
                    p.pin.hex()
                );
            }
        }
    }
    Ok(out)
}

/// Longest network security config accepted by `import_android_nsc`.
pub const MAX_NSC_BYTES: usize = 256 * 1024;

fn nsc(reason: impl Into<String>) -> Error {
    Error::NscInvalid {
        reason: reason.into(),
    }
}

/// A parsed XML element of the small subset Android's config uses.
#[derive(Debug)]
pub(crate) struct Element {
    pub(crate) name: String,
    pub(crate) attributes: Vec<(String, String)>,
    pub(crate) children: Vec<Element>,
    pub(crate) text: String,
}

/// Reads a network security config's XML (bounded by `MAX_NSC_BYTES`) into elements,
/// for the lenient importer in `crate::interop::android`.
pub(crate) fn read_nsc_xml(xml: &str) -> Result<Element> {
    if xml.len() > MAX_NSC_BYTES {
        return Err(nsc(format!(
            "{} bytes, over the limit of {MAX_NSC_BYTES}",
            xml.len()
        )));
    }
    XmlReader {
        s: xml,
        at: 0,
        depth: 0,
    }
    .document()
}

/// Imports Android's `network_security_config.xml` (the `<domain-config>` elements with
/// `<domain>` and `<pin-set>`) as a policy document. Only that subset is read, strictly:
/// an element or attribute certpin does not know (`trust-anchors`, `base-config`,
/// `cleartextTrafficPermitted`…) is an `NSC_INVALID` error naming it, so nothing that
/// changes the config's meaning is skipped. Each `<domain>` becomes one entry with the
/// pin-set of its `<domain-config>`; nested domain-configs inherit the parent's pin-set
/// when they have none (Android's inheritance).
pub fn import_android_nsc(xml: &str) -> Result<Policy> {
    if xml.len() > MAX_NSC_BYTES {
        return Err(nsc(format!(
            "{} bytes, over the limit of {MAX_NSC_BYTES}",
            xml.len()
        )));
    }
    let root = XmlReader {
        s: xml,
        at: 0,
        depth: 0,
    }
    .document()?;
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
        domain_config(child, None, &mut entries)?;
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

fn domain_config(
    e: &Element,
    inherited: Option<&(Vec<Pin>, Option<i64>)>,
    out: &mut Vec<DomainEntry>,
) -> Result<()> {
    no_attributes(e)?;
    let mut domains = Vec::new();
    let mut pin_set: Option<(Vec<Pin>, Option<i64>)> = None;
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
                    expires = Some(parse_rfc3339(v).ok_or_else(|| nsc(format!("expiration {v:?} is not a date (yyyy-MM-dd)")))?);
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
        domain_config(c, effective, out)?;
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

/// A strict reader for the XML subset of a network security config: an optional XML
/// declaration, comments, elements with double- or single-quoted attributes, text with
/// the five predefined entities. No DTD, CDATA, processing instructions or namespaces.
struct XmlReader<'a> {
    s: &'a str,
    at: usize,
    depth: usize,
}

const MAX_XML_DEPTH: usize = 16;

impl XmlReader<'_> {
    fn rest(&self) -> &str {
        self.s.get(self.at..).unwrap_or_default()
    }
    fn skip_ws(&mut self) {
        let trimmed = self.rest().trim_start();
        self.at = self.s.len() - trimmed.len();
    }
    fn skip_misc(&mut self) -> Result<()> {
        loop {
            self.skip_ws();
            if self.rest().starts_with("<!--") {
                let end = self
                    .rest()
                    .find("-->")
                    .ok_or_else(|| nsc("a comment is not closed"))?;
                self.at += end + 3;
            } else {
                return Ok(());
            }
        }
    }
    fn document(mut self) -> Result<Element> {
        let rest = self.rest().trim_start_matches('\u{feff}');
        self.at = self.s.len() - rest.len();
        self.skip_ws();
        if self.rest().starts_with("<?xml") {
            let end = self
                .rest()
                .find("?>")
                .ok_or_else(|| nsc("the XML declaration is not closed"))?;
            self.at += end + 2;
        }
        self.skip_misc()?;
        let root = self.element()?;
        self.skip_misc()?;
        if !self.rest().is_empty() {
            return Err(nsc("content after the root element"));
        }
        Ok(root)
    }
    fn name(&mut self) -> Result<String> {
        let n: String = self
            .rest()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
            .collect();
        if n.is_empty() {
            return Err(nsc(format!("expected a name at byte {}", self.at)));
        }
        self.at += n.len();
        Ok(n)
    }
    fn element(&mut self) -> Result<Element> {
        self.depth += 1;
        if self.depth > MAX_XML_DEPTH {
            return Err(nsc(format!("elements nest deeper than {MAX_XML_DEPTH}")));
        }
        if !self.rest().starts_with('<')
            || self.rest().starts_with("<!")
            || self.rest().starts_with("<?")
        {
            return Err(nsc(format!("expected an element at byte {} (DTDs, CDATA and processing instructions are not supported)", self.at)));
        }
        self.at += 1;
        let name = self.name()?;
        let mut attributes: Vec<(String, String)> = Vec::new();
        loop {
            self.skip_ws();
            if self.rest().starts_with("/>") {
                self.at += 2;
                self.depth -= 1;
                return Ok(Element {
                    name,
                    attributes,
                    children: vec![],
                    text: String::new(),
                });
            }
            if self.rest().starts_with('>') {
                self.at += 1;
                break;
            }
            let key = self.name()?;
            self.skip_ws();
            if !self.rest().starts_with('=') {
                return Err(nsc(format!("attribute {key:?} of <{name}> has no value")));
            }
            self.at += 1;
            self.skip_ws();
            let quote = self
                .rest()
                .chars()
                .next()
                .filter(|c| *c == '"' || *c == '\'')
                .ok_or_else(|| nsc(format!("attribute {key:?} of <{name}> is not quoted")))?;
            self.at += 1;
            let end = self
                .rest()
                .find(quote)
                .ok_or_else(|| nsc(format!("attribute {key:?} of <{name}> is not closed")))?;
            let raw = self.rest().get(..end).unwrap_or_default().to_string();
            self.at += end + 1;
            if attributes.iter().any(|(k, _)| *k == key) {
                return Err(nsc(format!("attribute {key:?} of <{name}> appears twice")));
            }
            attributes.push((key, unescape(&raw)?));
        }
        let mut children = Vec::new();
        let mut text = String::new();
        loop {
            if self.rest().starts_with("<!--") {
                self.skip_misc()?;
                continue;
            }
            if let Some(after) = self.rest().strip_prefix("</") {
                let close: String = after.chars().take_while(|c| *c != '>').collect();
                if close.trim() != name {
                    return Err(nsc(format!("</{}> closes <{name}>", close.trim())));
                }
                self.at += 2 + close.len() + 1;
                if !self.s.get(..self.at).is_some_and(|s| s.ends_with('>')) {
                    return Err(nsc(format!("</{name} is not closed")));
                }
                self.depth -= 1;
                if !children.is_empty() && !text.trim().is_empty() {
                    return Err(nsc(format!("<{name}> mixes text and elements")));
                }
                return Ok(Element {
                    name,
                    attributes,
                    children,
                    text: unescape(&text)?,
                });
            }
            if self.rest().starts_with('<') {
                children.push(self.element()?);
                continue;
            }
            let chunk: String = self.rest().chars().take_while(|c| *c != '<').collect();
            if chunk.is_empty() {
                return Err(nsc(format!("<{name}> is not closed")));
            }
            self.at += chunk.len();
            text.push_str(&chunk);
        }
    }
}

fn unescape(s: &str) -> Result<String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(rest.get(..i).unwrap_or_default());
        let after = rest.get(i..).unwrap_or_default();
        let end = after
            .find(';')
            .ok_or_else(|| nsc("an entity reference is not closed"))?;
        let entity = after.get(..=end).unwrap_or_default();
        out.push(match entity {
            "&amp;" => '&',
            "&lt;" => '<',
            "&gt;" => '>',
            "&quot;" => '"',
            "&apos;" => '\'',
            other => return Err(nsc(format!("entity {other} is not supported"))),
        });
        rest = after.get(end + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    Ok(out)
}
