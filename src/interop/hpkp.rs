//! Import of an HPKP header (RFC 7469 section 2.1) as a one-entry policy.
//!
//! Grammar: `directive *( OWS ";" OWS [ directive ] )`, `directive = name [ "=" value ]`,
//! value a token or quoted-string. As Chromium's `http_security_headers.cc`: names are
//! case-insensitive; `pin-sha256` values must be quoted; `max-age` is required (optional
//! for Public-Key-Pins-Report-Only); `includeSubDomains` takes no value; `report-uri`
//! is quoted; unknown directives are ignored; any directive other than `pin-sha256`
//! repeated is an error; at least two distinct pins (RFC 7469 section 4.3: a backup).
//!
//! The header may be given with its name (`Public-Key-Pins-Report-Only: …` imports in
//! report mode) or as the value alone (enforce mode unless `report_only`). `max-age`
//! becomes `expires` only when the caller passes the instant the header was noted (the
//! core reads no clock).

use super::export::{enforce_only, pins_only, sha256_only, unsupported};
use crate::error::{Error, Result};
use crate::limits::{MAX_HPKP_HEADER_BYTES, MAX_PINS_PER_DOMAIN};
use crate::names::host::HostPattern;
use crate::pin::Pin;
use crate::policy::{DomainEntry, Mode, PinEntry, Policy};
use crate::policy::{PinPosition, PinState};
use crate::time::UnixTime;
use core::fmt::Write as _;

fn invalid(directive: &str, reason: impl Into<String>) -> Error {
    Error::HpkpHeaderInvalid {
        directive: directive.chars().take(64).collect(),
        reason: reason.into(),
    }
}

/// Parses `header` for `hostname`. `noted_at`, when given, turns `max-age` into the
/// entry's `expires`.
pub fn from_hpkp_header(
    header: &str,
    hostname: &str,
    report_only: bool,
    noted_at: Option<UnixTime>,
) -> Result<Policy> {
    if header.len() > MAX_HPKP_HEADER_BYTES {
        return Err(invalid(
            "(header)",
            format!(
                "{} bytes, over the limit of {MAX_HPKP_HEADER_BYTES}",
                header.len()
            ),
        ));
    }
    let host = crate::names::host::normalize_hostname(hostname)?;
    let mut value = header.trim();
    let mut report_only = report_only;
    if let Some((name, rest)) = value.split_once(':') {
        let name = name.trim();
        if name.eq_ignore_ascii_case("Public-Key-Pins-Report-Only") {
            report_only = true;
            value = rest.trim();
        } else if name.eq_ignore_ascii_case("Public-Key-Pins") {
            value = rest.trim();
        }
    }
    let mut pins: Vec<PinEntry> = Vec::new();
    let mut max_age: Option<u64> = None;
    let mut include_subdomains = false;
    let mut report_uri: Option<String> = None;
    let mut seen: Vec<String> = Vec::new();
    for (name, val) in directives(value)? {
        let lower = name.to_ascii_lowercase();
        if lower != "pin-sha256" {
            if seen.contains(&lower) {
                return Err(invalid(&name, "the directive appears more than once"));
            }
            seen.push(lower.clone());
        }
        match lower.as_str() {
            "pin-sha256" => {
                let Some(Value::Quoted(b64)) = val else {
                    return Err(invalid(
                        &name,
                        "a pin-sha256 value must be a quoted base64 string: pin-sha256=\"…\"",
                    ));
                };
                let pin = Pin::parse(&format!("pin-sha256=\"{b64}\""))
                    .map_err(|e| invalid(&name, e.to_string()))?;
                if !pins.iter().any(|p| p.pin == pin) {
                    pins.push(PinEntry::active(pin));
                }
            }
            "max-age" => {
                let text = match val {
                    Some(Value::Token(t)) | Some(Value::Quoted(t)) => t,
                    None => return Err(invalid(&name, "max-age needs a value in seconds")),
                };
                if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(invalid(
                        &name,
                        format!("{text:?} is not a number of seconds"),
                    ));
                }
                // Saturate absurd values instead of failing (RFC 7469 section 2.1.2).
                max_age = Some(text.parse().unwrap_or(u64::MAX));
            }
            "includesubdomains" => {
                if val.is_some() {
                    return Err(invalid(&name, "includeSubDomains takes no value"));
                }
                include_subdomains = true;
            }
            "report-uri" => match val {
                Some(Value::Quoted(uri)) => report_uri = Some(uri),
                _ => {
                    return Err(invalid(
                        &name,
                        "the report-uri value must be a quoted URI: report-uri=\"https://…\"",
                    ))
                }
            },
            _ => {} // unknown directives are ignored (RFC 7469 section 2.1)
        }
    }
    if max_age.is_none() && !report_only {
        return Err(invalid(
            "max-age",
            "max-age is required in Public-Key-Pins (only Public-Key-Pins-Report-Only may omit it)",
        ));
    }
    if max_age == Some(0) {
        return Err(invalid(
            "max-age",
            "max-age=0 removes the host's pins: there is nothing to import",
        ));
    }
    if pins.len() < 2 {
        return Err(invalid(
            "pin-sha256",
            format!(
                "{} distinct pin{}: RFC 7469 requires a backup pin, so a valid header has at least two",
                pins.len(),
                if pins.len() == 1 { "" } else { "s" }
            ),
        ));
    }
    if pins.len() > MAX_PINS_PER_DOMAIN {
        return Err(invalid(
            "pin-sha256",
            format!(
                "{} pins, over the limit of {MAX_PINS_PER_DOMAIN}",
                pins.len()
            ),
        ));
    }
    let expires = match (max_age, noted_at) {
        (Some(age), Some(now)) => Some(UnixTime::from_seconds(
            now.as_seconds()
                .saturating_add(i64::try_from(age).unwrap_or(i64::MAX))
                .min(253_402_300_799), // 9999-12-31T23:59:59Z
        )),
        _ => None,
    };
    let host_pattern = if host.parse::<std::net::IpAddr>().is_ok() && include_subdomains {
        return Err(invalid(
            "includeSubDomains",
            "an IP address has no subdomains",
        ));
    } else {
        HostPattern::Exact(host)
    };
    Policy::new(vec![DomainEntry {
        host: host_pattern,
        include_subdomains,
        pins,
        expires,
        mode: if report_only {
            Mode::Report
        } else {
            Mode::Enforce
        },
        report_uri,
        revocation: Default::default(),
        ct: None,
    }])
    .map_err(|e| match e {
        Error::PolicyInvalid { path, reason } if path.ends_with("reportUri") => {
            invalid("report-uri", reason)
        }
        other => other,
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    Token(String),
    Quoted(String),
}

fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// Splits the header into (name, value) directives.
fn directives(text: &str) -> Result<Vec<(String, Option<Value>)>> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        if chars.peek() == Some(&';') {
            chars.next();
            continue;
        }
        let mut name = String::new();
        while let Some(c) = chars.peek().copied().filter(|c| is_tchar(*c)) {
            name.push(c);
            chars.next();
        }
        if name.is_empty() {
            let c = chars.peek().copied().unwrap_or(' ');
            return Err(invalid(
                "(header)",
                format!("unexpected {c:?} where a directive name should start"),
            ));
        }
        while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
            chars.next();
        }
        let mut value = None;
        if chars.peek() == Some(&'=') {
            chars.next();
            while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
                chars.next();
            }
            if chars.peek() == Some(&'"') {
                chars.next();
                let mut v = String::new();
                let mut closed = false;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => {
                            closed = true;
                            break;
                        }
                        '\\' => match chars.next() {
                            Some(e) => v.push(e),
                            None => break,
                        },
                        c => v.push(c),
                    }
                }
                if !closed {
                    return Err(invalid(&name, "the quoted value is not closed"));
                }
                value = Some(Value::Quoted(v));
            } else {
                let mut v = String::new();
                while let Some(c) = chars.peek().copied().filter(|c| is_tchar(*c)) {
                    v.push(c);
                    chars.next();
                }
                value = Some(Value::Token(v));
            }
        }
        while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
            chars.next();
        }
        match chars.next() {
            None | Some(';') => {}
            Some(c) => {
                return Err(invalid(
                    &name,
                    format!("unexpected {c:?} after the directive: directives are separated by \";\" and quoted values use \"…\""),
                ))
            }
        }
        out.push((name, value));
    }
    Ok(out)
}

// ---- Export: the Public-Key-Pins header (RFC 7469 section 2.1) ----

/// The `max-age` written by the HPKP exports: 60 days (RFC 7469 section 2.1.2's
/// example). certpin's `expires` is absolute and exports read no clock.
pub const HPKP_EXPORT_MAX_AGE: u64 = 5_184_000;

pub(super) fn export(policy: &Policy, report_only: bool) -> Result<String> {
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    // printf abc | openssl dgst -sha256 -binary | base64 ; printf '' | …
    const A: &str = "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=";
    const B: &str = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

    #[test]
    fn valid_headers() {
        let h = format!("pin-sha256=\"{A}\"; PIN-SHA256=\"{B}\"; max-age=5184000; includeSubDomains; report-uri=\"https://r.example.com/pkp\"; future-directive=1");
        let p = from_hpkp_header(
            &h,
            "Example.com",
            false,
            Some(UnixTime::from_millis(1_798_761_600_000)),
        )
        .unwrap();
        let d = &p.domains()[0];
        assert_eq!(d.host, HostPattern::Exact("example.com".into()));
        assert!(d.include_subdomains);
        assert_eq!(d.pins.len(), 2);
        assert_eq!(d.mode, Mode::Enforce);
        assert_eq!(
            d.expires,
            Some(UnixTime::from_seconds(1_798_761_600 + 5_184_000))
        );
        assert_eq!(d.report_uri.as_deref(), Some("https://r.example.com/pkp"));
        let ro = format!("Public-Key-Pins-Report-Only: pin-sha256=\"{A}\";pin-sha256=\"{B}\"");
        let p = from_hpkp_header(&ro, "example.com", false, None).unwrap();
        assert_eq!(p.domains()[0].mode, Mode::Report);
        assert_eq!(p.domains()[0].expires, None);
    }

    #[test]
    fn invalid_headers_name_the_directive() {
        let two = format!("pin-sha256=\"{A}\"; pin-sha256=\"{B}\"");
        let table = [
            (two.clone(), "max-age", "required"),
            (
                format!("pin-sha256={A}; pin-sha256=\"{B}\"; max-age=10"),
                "pin-sha256",
                "quoted",
            ),
            (
                format!("{two}; max-age=10; max-age=20"),
                "max-age",
                "more than once",
            ),
            (
                format!("{two}; max-age=10; includeSubDomains; includesubdomains"),
                "includesubdomains",
                "more than once",
            ),
            (format!("{two}; max-age=ten"), "max-age", "seconds"),
            (format!("{two}; max-age=0"), "max-age", "nothing to import"),
            (
                format!("{two}; max-age=10; includeSubDomains=1"),
                "includeSubDomains",
                "no value",
            ),
            (
                format!("{two}; max-age=10; report-uri=https://x"),
                "report-uri",
                "quoted",
            ),
            (
                format!("{two}; max-age=10; report-uri=\"ftp://x\""),
                "report-uri",
                "http(s)",
            ),
            (
                format!("pin-sha256=\"{A}\"; max-age=10"),
                "pin-sha256",
                "backup",
            ),
            (
                format!("pin-sha256=\"{A}\"; pin-sha256=\"{A}\"; max-age=10"),
                "pin-sha256",
                "backup",
            ),
            (
                format!("pin-sha256=\"{A}x\"; pin-sha256=\"{B}\"; max-age=10"),
                "pin-sha256",
                "malformed",
            ),
            (format!("{two}; max-age=10; x=\"open"), "x", "not closed"),
            (format!("{two} max-age=10"), "pin-sha256", "unexpected"),
        ];
        for (header, directive, words) in table {
            let e = from_hpkp_header(&header, "example.com", false, None).unwrap_err();
            let Error::HpkpHeaderInvalid {
                directive: got,
                reason,
            } = &e
            else {
                panic!("{header}: {e:?}")
            };
            assert_eq!(got, directive, "{header}: {e}");
            assert!(reason.contains(words), "{header}: {reason}");
        }
        // Report-Only may omit max-age.
        assert!(from_hpkp_header(&two, "example.com", true, None).is_ok());
        assert_eq!(
            from_hpkp_header(&two, "*.example.com", true, None)
                .unwrap_err()
                .code(),
            "INVALID_ARGUMENT"
        );
    }
}
