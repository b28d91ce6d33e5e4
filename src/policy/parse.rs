//! Reading a policy document: `Policy::new` (bounds, overlaps), `Policy::from_json` /
//! `from_value` (every field by hand, each refusal naming its JSON path) and the strict
//! JSON reader that refuses duplicate keys.

use super::*;

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
            Some(UnixTime::parse_rfc3339(text).ok_or_else(|| {
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
