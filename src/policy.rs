//! The pin policy document (README "Policy document"), parsed once into a typed
//! `Policy`. The parser walks `serde_json::Value` by hand so that every refusal is
//! `Error::PolicyInvalid` with the JSON path of the fault (`domains[2].pins[0]`; `$` is
//! the document itself). Unknown fields are errors, so a typo never silently turns
//! pinning off, and nothing is "taken first": a policy either means exactly what it
//! says or is refused.
//!
//! Pins follow RFC 7469 section 2.4 (a hash of the DER SubjectPublicKeyInfo). Host
//! patterns and precedence are in `crate::names::host`.

mod document;
pub(crate) mod lint;
mod parse;

pub use document::{DomainDocument, PinDocument, PolicyDocument};
pub(crate) use parse::{type_name, StrictJson};

use crate::error::{Error, Result};
use crate::limits::{
    MAX_COMMENT_LEN, MAX_DOMAINS, MAX_PINS_PER_DOMAIN, MAX_POLICY_BYTES, MAX_REPORT_URI_LEN,
    MAX_SCHEMA_LEN,
};
use crate::names::host::HostPattern;
use crate::pin::Pin;
use crate::time::UnixTime;
use serde::Serialize;
use serde_json::{Map, Value};

/// The policy document version this parser reads.
pub const POLICY_VERSION: u64 = 1;

/// What a pin does when it is found on the verified path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PinState {
    /// Matching it makes the check pass.
    Active,
    /// Evaluated and reported only; never makes a check pass or fail.
    Candidate,
    /// Any path certificate with this key fails the check, even if another pin matches.
    Revoked,
}

/// Which certificates of the path a pin may match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PinPosition {
    /// Any certificate on the path.
    Any,
    /// The end-entity certificate only (path depth 0).
    Leaf,
    /// A certificate above the leaf (path depth 1 or more).
    Ca,
}

/// Whether an entry blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Enforce,
    /// Never blocks; still produces the report (HPKP's Report-Only, TrustKit's
    /// `kTSKEnforcePinning = NO`).
    Report,
}

impl PinState {
    pub fn name(self) -> &'static str {
        match self {
            PinState::Active => "active",
            PinState::Candidate => "candidate",
            PinState::Revoked => "revoked",
        }
    }
}

impl PinPosition {
    pub fn name(self) -> &'static str {
        match self {
            PinPosition::Any => "any",
            PinPosition::Leaf => "leaf",
            PinPosition::Ca => "ca",
        }
    }

    /// Whether a pin in this position may match the certificate at path `depth`.
    pub fn allows_depth(self, depth: usize) -> bool {
        match self {
            PinPosition::Any => true,
            PinPosition::Leaf => depth == 0,
            PinPosition::Ca => depth >= 1,
        }
    }
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Enforce => "enforce",
            Mode::Report => "report",
        }
    }
}

/// One pin of an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinEntry {
    pub pin: Pin,
    pub state: PinState,
    pub position: PinPosition,
}

impl PinEntry {
    /// An active pin that may match anywhere on the path.
    pub fn active(pin: Pin) -> PinEntry {
        PinEntry {
            pin,
            state: PinState::Active,
            position: PinPosition::Any,
        }
    }
}

/// One entry of `domains`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainEntry {
    pub host: HostPattern,
    /// Only on an exact host: it and all names below it.
    pub include_subdomains: bool,
    pub pins: Vec<PinEntry>,
    /// A whole second; at and after this instant the entry fails open.
    pub expires: Option<UnixTime>,
    pub mode: Mode,
    pub report_uri: Option<String>,
    /// Revocation: `"revocation"`, default `off` (`crate::revocation::apply`).
    pub revocation: crate::revocation::RevocationMode,
    /// Certificate Transparency: `Some(Enforce)` makes a chain whose SCTs do
    /// not satisfy the CT policy fail (`ct-insufficient`); `Some(Report)` only reports.
    pub ct: Option<Mode>,
}

impl DomainEntry {
    /// The entry's active pins (the ones that decide a check), in order.
    pub fn active_pins(&self) -> Vec<PinEntry> {
        self.pins
            .iter()
            .filter(|p| p.state == PinState::Active)
            .cloned()
            .collect()
    }

    /// An enforcing entry of active pins that may match anywhere, every other field at
    /// its default (no expiry, no report URI, revocation off, no CT): what the importers
    /// and `checkPins` start from, setting the rest with struct update syntax.
    pub fn of_active_pins(
        host: HostPattern,
        include_subdomains: bool,
        pins: impl IntoIterator<Item = Pin>,
    ) -> DomainEntry {
        DomainEntry {
            host,
            include_subdomains,
            pins: pins.into_iter().map(PinEntry::active).collect(),
            expires: None,
            mode: Mode::Enforce,
            report_uri: None,
            revocation: Default::default(),
            ct: None,
        }
    }

    /// Whether the entry has expired at `now`. At the `expires` instant itself it has.
    pub fn expired_at(&self, now: UnixTime) -> bool {
        self.expires.is_some_and(|e| now >= e)
    }

    /// The host as a policy document writes it, with `includeSubdomains` folded in
    /// for messages (`example.com (and subdomains)`).
    pub fn describe(&self) -> String {
        if self.host.name().is_empty() {
            // checkPins without a hostname: an entry for no particular host.
            "the given pins".to_string()
        } else if self.include_subdomains {
            format!("{} (and subdomains)", self.host)
        } else {
            self.host.to_string()
        }
    }
}

/// A checked pin policy: every entry valid, no two entries covering the same names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    domains: Vec<DomainEntry>,
    notes: Notes,
}

/// What a document says for people and editors (`$schema`, `comment`s): kept so that
/// `to_document` gives it back, never read by a check.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Notes {
    schema: Option<String>,
    comment: Option<String>,
    /// Per entry (in `domains` order): its comment and its pins' comments.
    entries: Vec<(Option<String>, Vec<Option<String>>)>,
}

impl Policy {
    pub fn domains(&self) -> &[DomainEntry] {
        &self.domains
    }

    /// The entry that applies to `hostname` (already normalised, see
    /// `crate::names::host::normalize_hostname`) and its index: the most specific match
    /// (an exact host, then the longest matched suffix, then `*.` before `**.` /
    /// `includeSubdomains`). Entries are never merged.
    pub fn find(&self, hostname: &str) -> Option<(usize, &DomainEntry)> {
        self.domains
            .iter()
            .enumerate()
            .filter_map(|(i, d)| {
                d.host
                    .matches(hostname, d.include_subdomains)
                    .map(|s| (s, i, d))
            })
            .max_by_key(|(s, i, _)| (*s, core::cmp::Reverse(*i)))
            .map(|(_, i, d)| (i, d))
    }

    /// `PinPolicy.lookup`: the entry that applies to `hostname` (any spelling: it is
    /// canonicalised by `crate::names::host::normalize_hostname`, so `127.1` finds a
    /// `127.0.0.1` entry), as the document writes it, or `None` when no entry pins it.
    /// The decision is [`Policy::find`]'s, the one `check` makes.
    pub fn lookup(&self, hostname: &str) -> crate::error::Result<Option<DomainDocument>> {
        let hostname = crate::names::host::normalize_hostname(hostname)?;
        Ok(self
            .find(&hostname)
            .and_then(|(index, _)| self.to_document().domains.into_iter().nth(index)))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    // printf abc | openssl dgst -sha256 -binary | base64 ; likewise "abd", "abe"
    const P1: &str = "sha256/ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=";

    fn doc(domains: &str) -> String {
        format!("{{\"version\":1,\"domains\":[{domains}]}}")
    }

    fn entry(host: &str) -> String {
        format!("{{\"host\":\"{host}\",\"pins\":[\"{P1}\"]}}")
    }

    #[test]
    fn a_full_document_parses_and_round_trips() {
        let text = doc(&format!(
            r#"{{"host":"API.example.com.","includeSubdomains":true,
                "pins":["{P1}",{{"pin":"sha256/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=","state":"candidate","position":"ca"}}],
                "expires":"2027-06-01","mode":"report","reportUri":"https://r.example.com/pkp"}}"#
        ));
        let p = Policy::from_json(&text).unwrap();
        let d = &p.domains()[0];
        assert_eq!(d.host, HostPattern::Exact("api.example.com".into()));
        assert!(d.include_subdomains);
        assert_eq!(d.pins[1].state, PinState::Candidate);
        assert_eq!(d.pins[1].position, PinPosition::Ca);
        assert_eq!(d.expires, Some(UnixTime::from_seconds(1_811_808_000))); // date -u -d 2027-06-01 +%s
        assert_eq!(d.mode, Mode::Report);
        let again = Policy::from_json(&p.to_json()).unwrap();
        assert_eq!(again, p);
        assert!(p.to_json().contains("\"expires\":\"2027-06-01T00:00:00Z\""));
    }

    #[test]
    fn bad_documents_name_the_path() {
        let long_uri = format!("https://r.example.com/{}", "a".repeat(MAX_REPORT_URI_LEN));
        let many_pins = format!(
            "{{\"host\":\"a.com\",\"pins\":[{}]}}",
            vec![format!("\"{P1}\""); MAX_PINS_PER_DOMAIN + 1].join(",")
        );
        let many_domains = (0..=MAX_DOMAINS)
            .map(|i| entry(&format!("h{i}.example.com")))
            .collect::<Vec<_>>()
            .join(",");
        let table: Vec<(String, &str, &str)> = vec![
            ("not json".into(), "$", "not valid JSON"),
            (format!("{{\"version\":1,\"domains\":[{}],\"domains\":[]}}", entry("a.com")), "$", "\"domains\" appears twice"),
            (doc(&format!("{{\"host\":\"a.com\",\"host\":\"b.com\",\"pins\":[\"{P1}\"]}}")), "$", "\"host\" appears twice"),
            ("".into(), "$", "empty"),
            ("[]".into(), "$", "must be an object"),
            ("{\"domains\":[]}".into(), "version", "missing"),
            ("{\"version\":2,\"domains\":[]}".into(), "version", "not supported"),
            ("{\"version\":\"1\",\"domains\":[]}".into(), "version", "not supported"),
            ("{\"version\":1}".into(), "domains", "missing"),
            ("{\"version\":1,\"domains\":{}}".into(), "domains", "must be an array"),
            (doc(""), "domains", "pin nothing"),
            ("{\"version\":1,\"domians\":[]}".into(), "domians", "unknown field"),
            (doc("{\"host\":\"a.com\",\"pins\":[],\"include_subdomains\":true}"), "domains[0].include_subdomains", "unknown field"),
            (doc("{\"host\":\"a.com\",\"pins\":[]}"), "domains[0].pins", "empty"),
            (doc("{\"host\":\"a.com\"}"), "domains[0].pins", "missing"),
            (doc("{\"pins\":[]}"), "domains[0].host", "missing"),
            (doc("{\"host\":1,\"pins\":[]}"), "domains[0].host", "must be a string"),
            (doc("\"a.com\""), "domains[0]", "must be an object"),
            (doc(&format!("{},{}", entry("a.com"), "{\"host\":\"b.com\",\"pins\":[\"sha256/ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIA\"]}")), "domains[1].pins[0]", "bytes"),
            (doc("{\"host\":\"a.com\",\"pins\":[7]}"), "domains[0].pins[0]", "not a number"),
            (doc(&format!("{{\"host\":\"a.com\",\"pins\":[{{\"pin\":\"{P1}\",\"state\":\"on\"}}]}}")), "domains[0].pins[0].state", "not a pin state"),
            (doc(&format!("{{\"host\":\"a.com\",\"pins\":[{{\"pin\":\"{P1}\",\"position\":\"root\"}}]}}")), "domains[0].pins[0].position", "not a pin position"),
            (doc(&format!("{{\"host\":\"a.com\",\"pins\":[{{\"pin\":\"{P1}\",\"sate\":\"active\"}}]}}")), "domains[0].pins[0].sate", "unknown field"),
            (doc("{\"host\":\"a.com\",\"pins\":[{}]}"), "domains[0].pins[0].pin", "missing"),
            (doc(&entry("*.*.example.com")), "domains[0].host", "wildcard"),
            (doc(&entry("*example.com")), "domains[0].host", "wildcard"),
            (doc(&entry("a.*.com")), "domains[0].host", "wildcard"),
            (doc(&entry("")), "domains[0].host", "empty"),
            (doc(&entry(".example.com")), "domains[0].host", "starts with a dot"),
            (doc(&entry("a..com")), "domains[0].host", "empty label"),
            (doc(&entry(&format!("{}.com", "a".repeat(64)))), "domains[0].host", "63-octet"),
            (doc(&entry(&format!("{}com", "abcdefghi.".repeat(26)))), "domains[0].host", "253-octet"),
            (doc(&format!("{},{}", entry("a.com"), entry("A.com."))), "domains[1].host", "same names as domains[0]"),
            (doc(&format!("{},{{\"host\":\"a.com\",\"includeSubdomains\":true,\"pins\":[\"{P1}\"]}}", entry("**.a.com"))), "domains[1].host", "same names"),
            (doc(&format!("{{\"host\":\"*.a.com\",\"includeSubdomains\":true,\"pins\":[\"{P1}\"]}}")), "domains[0].includeSubdomains", "exact host"),
            (doc(&format!("{{\"host\":\"a.com\",\"includeSubdomains\":\"yes\",\"pins\":[\"{P1}\"]}}")), "domains[0].includeSubdomains", "true or false"),
            (doc(&format!("{{\"host\":\"a.com\",\"expires\":\"June\",\"pins\":[\"{P1}\"]}}")), "domains[0].expires", "RFC 3339"),
            (doc(&format!("{{\"host\":\"a.com\",\"mode\":\"block\",\"pins\":[\"{P1}\"]}}")), "domains[0].mode", "not a mode"),
            (doc(&format!("{{\"host\":\"a.com\",\"reportUri\":\"mailto:x\",\"pins\":[\"{P1}\"]}}")), "domains[0].reportUri", "http(s)"),
            (doc(&format!("{{\"host\":\"a.com\",\"reportUri\":\"{long_uri}\",\"pins\":[\"{P1}\"]}}")), "domains[0].reportUri", "over the limit"),
            (doc(&many_pins), "domains[0].pins", "over the limit"),
            (doc(&many_domains), "domains", "over the limit"),
            (format!("{{\"version\":1,\"domains\":[],\"x\":\"{}\"}}", "a".repeat(MAX_POLICY_BYTES)), "$", "over the limit"),
        ];
        for (text, path, words) in table {
            let e = Policy::from_json(&text).unwrap_err();
            let Error::PolicyInvalid { path: got, reason } = &e else {
                panic!("{e:?}")
            };
            assert_eq!(
                got,
                path,
                "{}: {e}",
                text.chars().take(120).collect::<String>()
            );
            assert!(
                reason.contains(words),
                "{path}: {reason} should mention {words}"
            );
            assert!(e.to_string().contains(path));
        }
    }

    #[test]
    fn precedence_is_most_specific_never_merged() {
        let text = doc(&[
            "{\"host\":\"**.example.com\",\"pins\":[\"sha256/ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=\"]}".to_string(),
            entry("*.example.com"),
            entry("api.example.com"),
            entry("*.b.example.com"),
            format!("{{\"host\":\"b.example.com\",\"includeSubdomains\":true,\"pins\":[\"{P1}\"]}}"),
            entry("example.com"),
        ]
        .join(","));
        let p = Policy::from_json(&text).unwrap();
        let table = [
            ("api.example.com", Some(2)),
            ("example.com", Some(5)),
            ("x.example.com", Some(1)),
            ("y.x.example.com", Some(0)),
            ("c.b.example.com", Some(3)),
            ("d.c.b.example.com", Some(4)),
            ("b.example.com", Some(4)),
            ("example.org", None),
        ];
        for (name, want) in table {
            assert_eq!(p.find(name).map(|(i, _)| i), want, "{name}");
        }
    }

    #[test]
    fn expiry_boundary_is_expired() {
        let p = Policy::from_json(&doc(&format!(
            "{{\"host\":\"a.com\",\"expires\":\"2027-01-01T00:00:00Z\",\"pins\":[\"{P1}\"]}}"
        )))
        .unwrap();
        let d = &p.domains()[0];
        assert!(!d.expired_at(UnixTime::from_millis(1_798_761_600_000 - 1)));
        assert!(d.expired_at(UnixTime::from_millis(1_798_761_600_000)));
    }
}
