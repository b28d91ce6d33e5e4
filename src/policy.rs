//! The pin policy document (README "Policy document"), parsed once into a typed
//! `Policy`. The parser walks `serde_json::Value` by hand so that every refusal is
//! `Error::PolicyInvalid` with the JSON path of the fault (`domains[2].pins[0]`; `$` is
//! the document itself). Unknown fields are errors, so a typo never silently turns
//! pinning off, and nothing is "taken first": a policy either means exactly what it
//! says or is refused.
//!
//! Pins follow RFC 7469 section 2.4 (a hash of the DER SubjectPublicKeyInfo). Host
//! patterns and precedence are in `crate::host`.

pub(crate) mod lint;

use crate::error::{Error, Result};
use crate::limits::{
    MAX_COMMENT_LEN, MAX_DOMAINS, MAX_PINS_PER_DOMAIN, MAX_POLICY_BYTES, MAX_REPORT_URI_LEN,
    MAX_SCHEMA_LEN,
};
use crate::names::host::HostPattern;
use crate::pin::Pin;
use crate::time::{parse_rfc3339, rfc3339};
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
    /// Unix seconds; at and after this instant the entry fails open.
    pub expires: Option<i64>,
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

    /// Whether the entry has expired at `now_ms` (milliseconds since the epoch). At the
    /// `expires` instant itself it has.
    pub fn expired_at(&self, now_ms: i64) -> bool {
        self.expires
            .is_some_and(|e| now_ms >= crate::time::millis(e))
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

fn invalid(path: &str, reason: impl Into<String>) -> Error {
    Error::PolicyInvalid {
        path: path.to_string(),
        reason: reason.into(),
    }
}

fn join(parent: &str, field: &str) -> String {
    if parent.is_empty() {
        field.to_string()
    } else {
        format!("{parent}.{field}")
    }
}

pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn object<'a>(v: &'a Value, path: &str, what: &str) -> Result<&'a Map<String, Value>> {
    v.as_object().ok_or_else(|| {
        invalid(
            if path.is_empty() { "$" } else { path },
            format!("{what} must be an object, not {}", type_name(v)),
        )
    })
}

fn known_fields(obj: &Map<String, Value>, path: &str, known: &[&str]) -> Result<()> {
    for key in obj.keys() {
        if !known.contains(&key.as_str()) {
            let shown: String = key.chars().take(64).collect();
            let hint = known
                .iter()
                .find(|k| k.eq_ignore_ascii_case(key))
                .map(|k| format!(" (did you mean {k:?}?)"))
                .unwrap_or_default();
            return Err(invalid(
                &join(path, key),
                format!(
                    "unknown field {shown:?}{hint}; the fields here are {}",
                    known.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

fn string<'a>(v: &'a Value, path: &str) -> Result<&'a str> {
    v.as_str()
        .ok_or_else(|| invalid(path, format!("must be a string, not {}", type_name(v))))
}

fn boolean(v: &Value, path: &str) -> Result<bool> {
    v.as_bool()
        .ok_or_else(|| invalid(path, format!("must be true or false, not {}", type_name(v))))
}

impl Policy {
    /// Builds a policy from entries, checking the bounds and that no two entries cover
    /// the same names (paths name `domains[i]` in the given order).
    pub fn new(domains: Vec<DomainEntry>) -> Result<Policy> {
        if domains.is_empty() {
            return Err(invalid(
                "domains",
                "the policy has no entries: it would pin nothing",
            ));
        }
        if domains.len() > MAX_DOMAINS {
            return Err(invalid(
                "domains",
                format!("{} entries, over the limit of {MAX_DOMAINS}", domains.len()),
            ));
        }
        // At most MAX_DOMAINS entries: linear scans keep hash tables out of the wasm.
        let mut coverage: Vec<((u8, &str), usize)> = Vec::new();
        let mut exact: Vec<(&str, usize)> = Vec::new();
        for (i, d) in domains.iter().enumerate() {
            let path = format!("domains[{i}]");
            if d.pins.is_empty() {
                return Err(invalid(
                    &join(&path, "pins"),
                    "the pin list is empty: an entry pins at least one key",
                ));
            }
            if d.pins.len() > MAX_PINS_PER_DOMAIN {
                return Err(invalid(
                    &join(&path, "pins"),
                    format!(
                        "{} pins, over the limit of {MAX_PINS_PER_DOMAIN} per entry",
                        d.pins.len()
                    ),
                ));
            }
            if d.include_subdomains && !matches!(d.host, HostPattern::Exact(_)) {
                return Err(invalid(
                    &join(&path, "includeSubdomains"),
                    format!(
                        "includeSubdomains applies to an exact host, not to the pattern {:?}: \
                         write **.{} for a name and all its subdomains",
                        d.host.to_string(),
                        d.host.name()
                    ),
                ));
            }
            if d.include_subdomains && d.host.is_ip() {
                return Err(invalid(
                    &join(&path, "includeSubdomains"),
                    "an IP address has no subdomains",
                ));
            }
            let clash =
                |other: usize| {
                    invalid(
                        &join(&path, "host"),
                        format!(
                        "{:?} covers the same names as domains[{other}] ({:?}): entries are never \
                         merged, so put all the pins for these names in one entry",
                        d.describe(),
                        domains.get(other).map(DomainEntry::describe).unwrap_or_default()
                    ),
                    )
                };
            if let HostPattern::Exact(name) = &d.host {
                if let Some((_, other)) = exact.iter().find(|(n, _)| n == name) {
                    return Err(clash(*other));
                }
                exact.push((name, i));
            }
            let key = d.host.coverage_key(d.include_subdomains);
            if let Some((_, other)) = coverage.iter().find(|(k, _)| *k == key) {
                return Err(clash(*other));
            }
            coverage.push((key, i));
            if let Some(uri) = &d.report_uri {
                check_report_uri(uri, &join(&path, "reportUri"))?;
            }
        }
        Ok(Policy {
            domains,
            notes: Notes::default(),
        })
    }

    /// Parses policy JSON (README "Policy document").
    pub fn from_json(text: &str) -> Result<Policy> {
        if text.len() > MAX_POLICY_BYTES {
            return Err(invalid(
                "$",
                format!(
                    "the policy is {} bytes, over the limit of {MAX_POLICY_BYTES} bytes",
                    text.len()
                ),
            ));
        }
        if text.trim().is_empty() {
            return Err(invalid("$", "the policy is empty: expected a JSON object"));
        }
        let StrictJson(value) = serde_json::from_str(text)
            .map_err(|e| invalid("$", format!("the policy is not valid JSON: {e}")))?;
        Policy::from_value(&value)
    }

    /// Reads an already-parsed document.
    pub fn from_value(value: &Value) -> Result<Policy> {
        let root = object(value, "", "the policy")?;
        known_fields(root, "", &["$schema", "version", "comment", "domains"])?;
        let schema = match root.get("$schema") {
            None => None,
            Some(v) => Some(bounded_text(v, "$schema", MAX_SCHEMA_LEN)?),
        };
        let comment = comment_of(root, "")?;
        match root.get("version") {
            None => {
                return Err(invalid(
                    "version",
                    format!("the version is missing: write \"version\": {POLICY_VERSION}"),
                ))
            }
            Some(v) if v.as_u64() == Some(POLICY_VERSION) => {}
            Some(v) => {
                return Err(invalid(
                    "version",
                    format!(
                        "version {v} is not supported: this certpin reads version {POLICY_VERSION}"
                    ),
                ))
            }
        }
        let domains = root
            .get("domains")
            .ok_or_else(|| invalid("domains", "the domains list is missing"))?;
        let list = domains.as_array().ok_or_else(|| {
            invalid(
                "domains",
                format!("must be an array of entries, not {}", type_name(domains)),
            )
        })?;
        if list.len() > MAX_DOMAINS {
            return Err(invalid(
                "domains",
                format!("{} entries, over the limit of {MAX_DOMAINS}", list.len()),
            ));
        }
        let (entries, entry_notes): (Vec<_>, Vec<_>) = list
            .iter()
            .enumerate()
            .map(|(i, d)| parse_domain(d, &format!("domains[{i}]")))
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .unzip();
        let mut policy = Policy::new(entries)?;
        let any_entry_note =
            entry_notes
                .iter()
                .any(|(c, pins): &(Option<String>, Vec<Option<String>>)| {
                    c.is_some() || pins.iter().any(Option::is_some)
                });
        policy.notes = Notes {
            schema,
            comment,
            entries: if any_entry_note {
                entry_notes
            } else {
                Vec::new()
            },
        };
        Ok(policy)
    }

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

    /// The document again, canonical: normalised hosts, pins as `sha256/<base64>`,
    /// `expires` as an RFC 3339 instant. `Policy::from_value` reads it back unchanged.
    pub fn to_document(&self) -> PolicyDocument {
        let notes = &self.notes;
        PolicyDocument {
            schema: notes.schema.clone(),
            version: POLICY_VERSION,
            comment: notes.comment.clone(),
            domains: self
                .domains
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let (comment, pin_comments) = notes
                        .entries
                        .get(i)
                        .map(|(c, p)| (c.clone(), p.as_slice()))
                        .unwrap_or_default();
                    DomainDocument {
                        host: d.host.to_string(),
                        include_subdomains: d.include_subdomains,
                        pins: d
                            .pins
                            .iter()
                            .enumerate()
                            .map(|(j, p)| {
                                let comment = pin_comments.get(j).cloned().flatten();
                                if p.state == PinState::Active
                                    && p.position == PinPosition::Any
                                    && comment.is_none()
                                {
                                    PinDocument::Plain(p.pin.to_string())
                                } else {
                                    PinDocument::Detailed {
                                        pin: p.pin.to_string(),
                                        state: p.state.name(),
                                        position: p.position.name(),
                                        comment,
                                    }
                                }
                            })
                            .collect(),
                        expires: d.expires.map(rfc3339),
                        mode: d.mode.name(),
                        report_uri: d.report_uri.clone(),
                        // Written only when not the default.
                        revocation: (d.revocation != crate::revocation::RevocationMode::Off)
                            .then(|| d.revocation.name()),
                        ct: d.ct.map(Mode::name),
                        comment,
                    }
                })
                .collect(),
        }
    }

    /// `to_document` as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.to_document()).unwrap_or_default()
    }
}

/// The serialised form of a policy (what `PinPolicy.toJSON()` returns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyDocument {
    #[serde(rename = "$schema", skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub version: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub domains: Vec<DomainDocument>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainDocument {
    pub host: String,
    pub include_subdomains: bool,
    pub pins: Vec<PinDocument>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    pub mode: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_uri: Option<String>,
    /// Revocation: absent when `off`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revocation: Option<&'static str>,
    /// Certificate Transparency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ct: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum PinDocument {
    Plain(String),
    Detailed {
        pin: String,
        state: &'static str,
        position: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
}

/// A JSON value read like `serde_json::Value` but refusing an object with the same key
/// twice: serde_json keeps the last one silently, which could hide an entry.
pub(crate) struct StrictJson(pub(crate) Value);

impl<'de> serde::Deserialize<'de> for StrictJson {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(StrictJson)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = Value;
    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> core::result::Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> core::result::Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> core::result::Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> core::result::Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> core::result::Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> core::result::Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> core::result::Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> core::result::Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(StrictJson(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> core::result::Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                let shown: String = key.chars().take(64).collect();
                return Err(serde::de::Error::custom(format!(
                    "the key {shown:?} appears twice in one object"
                )));
            }
            let StrictJson(v) = map.next_value()?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

/// A free-text string field (`comment`, `$schema`) of at most `max` characters.
fn bounded_text(v: &Value, path: &str, max: usize) -> Result<String> {
    let text = string(v, path)?;
    let count = text.chars().count();
    if count > max {
        return Err(invalid(
            path,
            format!("{count} characters, over the limit of {max}"),
        ));
    }
    Ok(text.to_string())
}

/// The optional `comment` of an object at `path`: free text for people (where a backup
/// key is kept, who owns an entry); it never changes what a check does.
fn comment_of(obj: &Map<String, Value>, path: &str) -> Result<Option<String>> {
    obj.get("comment")
        .map(|v| bounded_text(v, &join(path, "comment"), MAX_COMMENT_LEN))
        .transpose()
}

type EntryNotes = (Option<String>, Vec<Option<String>>);

fn parse_domain(v: &Value, path: &str) -> Result<(DomainEntry, EntryNotes)> {
    let obj = object(v, path, "a domains entry")?;
    known_fields(
        obj,
        path,
        &[
            "host",
            "includeSubdomains",
            "pins",
            "expires",
            "mode",
            "reportUri",
            "revocation",
            "ct",
            "comment",
        ],
    )?;
    let comment = comment_of(obj, path)?;
    let host_path = join(path, "host");
    let host_text = string(
        obj.get("host")
            .ok_or_else(|| invalid(&host_path, "the host is missing"))?,
        &host_path,
    )?;
    let host = HostPattern::parse(host_text).map_err(|reason| invalid(&host_path, reason))?;
    let include_subdomains = match obj.get("includeSubdomains") {
        None => false,
        Some(v) => boolean(v, &join(path, "includeSubdomains"))?,
    };
    let pins_path = join(path, "pins");
    let pins_value = obj
        .get("pins")
        .ok_or_else(|| invalid(&pins_path, "the pin list is missing"))?;
    let pin_list = pins_value.as_array().ok_or_else(|| {
        invalid(
            &pins_path,
            format!("must be an array of pins, not {}", type_name(pins_value)),
        )
    })?;
    if pin_list.len() > MAX_PINS_PER_DOMAIN {
        return Err(invalid(
            &pins_path,
            format!(
                "{} pins, over the limit of {MAX_PINS_PER_DOMAIN} per entry",
                pin_list.len()
            ),
        ));
    }
    let (pins, pin_comments): (Vec<_>, Vec<_>) = pin_list
        .iter()
        .enumerate()
        .map(|(j, p)| parse_pin_entry(p, &format!("{pins_path}[{j}]")))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .unzip();
    let expires = match obj.get("expires") {
        None => None,
        Some(v) => {
            let p = join(path, "expires");
            let text = string(v, &p)?;
            Some(parse_rfc3339(text).ok_or_else(|| {
                invalid(
                    &p,
                    format!(
                        "{:?} is not an RFC 3339 instant (2027-06-01T00:00:00Z) or a date (2027-06-01)",
                        text.chars().take(64).collect::<String>()
                    ),
                )
            })?)
        }
    };
    let mode = match obj.get("mode") {
        None => Mode::Enforce,
        Some(v) => {
            let p = join(path, "mode");
            match string(v, &p)? {
                "enforce" => Mode::Enforce,
                "report" => Mode::Report,
                other => {
                    return Err(invalid(
                        &p,
                        format!("{other:?} is not a mode: use \"enforce\" or \"report\""),
                    ))
                }
            }
        }
    };
    let report_uri = match obj.get("reportUri") {
        None => None,
        Some(v) => Some(string(v, &join(path, "reportUri"))?.to_string()),
    };
    // Revocation
    let revocation = match obj.get("revocation") {
        None => crate::revocation::RevocationMode::Off,
        Some(v) => {
            let p = join(path, "revocation");
            let text = string(v, &p)?;
            crate::revocation::RevocationMode::parse(text).ok_or_else(|| {
                invalid(
                    &p,
                    format!(
                        "{:?} is not a revocation setting: use \"off\", \"check\" or \"require-staple\"",
                        text.chars().take(64).collect::<String>()
                    ),
                )
            })?
        }
    };
    // Certificate Transparency
    let ct = match obj.get("ct") {
        None => None,
        Some(v) => {
            let p = join(path, "ct");
            match string(v, &p)? {
                "enforce" => Some(Mode::Enforce),
                "report" => Some(Mode::Report),
                other => {
                    return Err(invalid(
                        &p,
                        format!("{other:?} is not a CT mode: use \"enforce\" or \"report\""),
                    ))
                }
            }
        }
    };
    Ok((
        DomainEntry {
            host,
            include_subdomains,
            pins,
            expires,
            mode,
            report_uri,
            revocation,
            ct,
        },
        (comment, pin_comments),
    ))
}

fn check_report_uri(uri: &str, path: &str) -> Result<()> {
    if uri.chars().count() > MAX_REPORT_URI_LEN {
        return Err(invalid(
            path,
            format!(
                "{} characters, over the limit of {MAX_REPORT_URI_LEN}",
                uri.chars().count()
            ),
        ));
    }
    let lower = uri.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    if rest.is_none_or(str::is_empty)
        || uri
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"')
    {
        return Err(invalid(
            path,
            "the report URI must be an absolute http(s) URI without spaces or quotes",
        ));
    }
    Ok(())
}

fn parse_pin_entry(v: &Value, path: &str) -> Result<(PinEntry, Option<String>)> {
    let pin_of = |text: &str, path: &str| {
        Pin::parse(text).map_err(|e| match e {
            Error::PinMalformed { reason, .. } => invalid(path, format!("malformed pin: {reason}")),
            other => invalid(path, other.to_string()),
        })
    };
    match v {
        Value::String(text) => Ok((PinEntry::active(pin_of(text, path)?), None)),
        Value::Object(obj) => {
            known_fields(obj, path, &["pin", "state", "position", "comment"])?;
            let comment = comment_of(obj, path)?;
            let pin_path = join(path, "pin");
            let text = string(
                obj.get("pin")
                    .ok_or_else(|| invalid(&pin_path, "the pin is missing"))?,
                &pin_path,
            )?;
            let pin = pin_of(text, &pin_path)?;
            let state = match obj.get("state") {
                None => PinState::Active,
                Some(v) => {
                    let p = join(path, "state");
                    match string(v, &p)? {
                        "active" => PinState::Active,
                        "candidate" => PinState::Candidate,
                        "revoked" => PinState::Revoked,
                        other => {
                            return Err(invalid(
                                &p,
                                format!("{other:?} is not a pin state: use active, candidate or revoked"),
                            ))
                        }
                    }
                }
            };
            let position = match obj.get("position") {
                None => PinPosition::Any,
                Some(v) => {
                    let p = join(path, "position");
                    match string(v, &p)? {
                        "any" => PinPosition::Any,
                        "leaf" => PinPosition::Leaf,
                        "ca" => PinPosition::Ca,
                        other => {
                            return Err(invalid(
                                &p,
                                format!("{other:?} is not a pin position: use any, leaf or ca"),
                            ))
                        }
                    }
                }
            };
            Ok((
                PinEntry {
                    pin,
                    state,
                    position,
                },
                comment,
            ))
        }
        other => Err(invalid(
            path,
            format!(
                "a pin is a string (\"sha256/…\") or an object {{\"pin\", \"state\", \"position\", \"comment\"}}, not {}",
                type_name(other)
            ),
        )),
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
        assert_eq!(d.expires, Some(1_811_808_000)); // date -u -d 2027-06-01 +%s
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
        assert!(!d.expired_at(1_798_761_600_000 - 1));
        assert!(d.expired_at(1_798_761_600_000));
    }
}
