//! Pin validation failure reports (RFC 7469 section 3), built purely from the check's
//! inputs: no clock, no network. The host decides whether and where to send them.

use crate::bundle::canonical::write_string;
use crate::names::host::HostPattern;
use crate::pin::HashAlgorithm;
use crate::policy::{DomainEntry, PinState};
use crate::time::UnixTime;
use crate::x509::cert::Certificate;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{json, Value};

/// What a report is made of.
pub struct ReportInput<'a> {
    /// The report's `date-time`.
    pub now: UnixTime,
    /// The name the host connected to (normalised); null in the report when unknown.
    pub hostname: Option<&'a str>,
    /// The port connected to; 443 when the caller did not say.
    pub port: u16,
    /// The entry whose pins were checked.
    pub entry: &'a DomainEntry,
    /// The served certificates, in input order.
    pub certs: &'a [Certificate],
    /// Input indices of the path pins were matched against, leaf first.
    pub path: &'a [usize],
}

/// The RFC 7469 section 3 report:
/// - `effective-expiration-date`: the entry's `expires`, or null when it never expires;
/// - `include-subdomains`: true for `includeSubdomains` and for wildcard patterns;
/// - `noted-hostname`: the entry's host without its wildcard (`**.example.com` notes
///   `example.com`);
/// - `known-pins`: the entry's active pins as `pin-sha256="…"` (`pin-sha384`/`pin-sha512`
///   for other hashes); candidate and revoked pins are not "known pins".
pub fn violation_report(input: &ReportInput<'_>) -> Value {
    let entry = input.entry;
    let served: Vec<String> = input.certs.iter().map(|c| pem(c.der())).collect();
    let validated: Vec<String> = input
        .path
        .iter()
        .filter_map(|i| input.certs.get(*i))
        .map(|c| pem(c.der()))
        .collect();
    let known_pins: Vec<String> = entry
        .pins
        .iter()
        .filter(|p| p.state == PinState::Active)
        .map(|p| format!("pin-{}=\"{}\"", p.pin.algorithm().name(), p.pin.base64()))
        .collect();
    let noted = entry.host.name();
    json!({
        "date-time": input.now.to_rfc3339(),
        "hostname": input.hostname,
        "port": input.port,
        "effective-expiration-date": entry.expires.map(UnixTime::to_rfc3339),
        "include-subdomains": entry.include_subdomains || !matches!(entry.host, HostPattern::Exact(_)),
        "noted-hostname": if noted.is_empty() { None } else { Some(noted) },
        "served-certificate-chain": served,
        "validated-certificate-chain": validated,
        "known-pins": known_pins,
    })
}

/// The dedupe key of a report (see `crate::check::verdict::Verdict`): lowercase hex SHA-256 of
/// the report without `date-time` and `effective-expiration-date`, canonically
/// serialised, a line feed, and the report URI.
pub fn report_key(report: &Value, report_uri: Option<&str>) -> String {
    let mut stable = report.clone();
    if let Value::Object(map) = &mut stable {
        map.remove("date-time");
        map.remove("effective-expiration-date");
    }
    let mut text = String::new();
    canonical(&stable, &mut text);
    text.push('\n');
    text.push_str(report_uri.unwrap_or_default());
    crate::pin::hex(&HashAlgorithm::Sha256.hash(text.as_bytes()))
}

/// JSON with object keys sorted and no insignificant whitespace, whatever map type
/// serde_json was built with.
pub(crate) fn canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            crate::sort::sort(&mut keys);
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                if let Some(v) = map.get(key) {
                    canonical(v, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        // Reports hold no fractions; integers are written without the float formatter.
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => out.push_str(&u.to_string()),
            (None, Some(i)) => out.push_str(&i.to_string()),
            _ => out.push_str("null"),
        },
        Value::String(s) => write_string(s, out),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Null => out.push_str("null"),
    }
}

/// A certificate as PEM (RFC 7468): 64-column base64 between the CERTIFICATE lines.
pub fn pem(der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = String::with_capacity(b64.len() + b64.len() / 64 + 60);
    out.push_str("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(core::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn canonical_form_sorts_keys() {
        let v = json!({"b": [1, {"d": true, "c": null}], "a": "x\"y\\\n\u{1}é-----BEGIN"});
        let mut s = String::new();
        canonical(&v, &mut s);
        assert_eq!(
            s,
            r#"{"a":"x\"y\\\n\u0001é-----BEGIN","b":[1,{"c":null,"d":true}]}"#
        );
        // Same text as serde_json's own compact writer (keys are sorted there too).
        assert_eq!(s, serde_json::to_string(&v).unwrap());
    }

    #[test]
    fn report_key_ignores_dates_but_not_the_uri() {
        let a = json!({"date-time": "2027-01-01T00:00:00Z", "hostname": "a", "effective-expiration-date": null});
        let b = json!({"date-time": "2027-02-01T00:00:00Z", "hostname": "a", "effective-expiration-date": "2028-01-01T00:00:00Z"});
        let c = json!({"date-time": "2027-01-01T00:00:00Z", "hostname": "b"});
        assert_eq!(report_key(&a, None), report_key(&b, None));
        assert_ne!(report_key(&a, None), report_key(&c, None));
        assert_ne!(report_key(&a, None), report_key(&a, Some("https://r/")));
        // printf '{"hostname":"a"}\n' | sha256sum
        assert_eq!(
            report_key(&a, None),
            "364cf65a5bb1220d59de36dff3679c7a34fd0a20186eb97ee994707a11bfaa8d"
        );
    }

    #[test]
    fn pem_wraps_at_64() {
        let p = pem(&[0u8; 60]);
        let lines: Vec<&str> = p.lines().collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines.get(1).map(|l| l.len()), Some(64));
    }
}
