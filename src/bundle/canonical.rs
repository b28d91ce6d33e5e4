//! JSON for signing: a strict reader (no duplicate keys, no lone surrogates, integers
//! only) and the RFC 8785 JSON Canonicalization Scheme writer.
//!
//! RFC 8785 section 3.2: object members sorted by the UTF-16 code units of their names
//! (3.2.3), strings with only the escapes JSON requires (3.2.2.2), no whitespace.
//! Numbers in signed documents must be whole and within ±(2^53 - 1), the range I-JSON
//! (RFC 7493 section 2.2) says every reader represents exactly; their RFC 8785 form
//! (ECMAScript's `Number.prototype.toString`, section 3.2.2.3) is then plain decimal
//! digits. A fraction or a larger magnitude is refused rather than risk a reader that
//! rounds differently from the signer (every certpin document uses integers only).

use crate::limits::MAX_SAFE_INTEGER;
use crate::policy::StrictJson;
use core::cmp::Ordering;
use core::fmt::Write as _;
use serde_json::Value;

/// A JSON value as read for signing.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(i64),
    String(String),
    Array(Vec<Json>),
    /// Names are unique.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// Reads JSON text strictly: the same member name twice in one object is refused
    /// (readers disagree on which one wins, so a signer and a reader could see different
    /// documents), and so is a number that is not a safe integer.
    pub fn parse(text: &str) -> Result<Json, String> {
        let StrictJson(value) = serde_json::from_str(text).map_err(|e| e.to_string())?;
        Json::from_value(value)
    }

    fn from_value(value: Value) -> Result<Json, String> {
        Ok(match value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(b),
            Value::Number(n) => Json::Number(safe_integer(&n)?),
            Value::String(s) => Json::String(s),
            Value::Array(items) => Json::Array(
                items
                    .into_iter()
                    .map(Json::from_value)
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => Json::Object(
                map.into_iter()
                    .map(|(k, v)| Json::from_value(v).map(|v| (k, v)))
                    .collect::<Result<_, _>>()?,
            ),
        })
    }

    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }

    /// The RFC 8785 canonical form.
    pub fn canonical(&self) -> String {
        let mut out = String::new();
        write_canonical(self, &mut out);
        out
    }
}

fn safe_integer(n: &serde_json::Number) -> Result<i64, String> {
    let refuse = || {
        format!(
            "the number {n} is not a whole number within ±{MAX_SAFE_INTEGER}: signed documents use integers only"
        )
    };
    if let Some(i) = n.as_i64() {
        return if (-MAX_SAFE_INTEGER..=MAX_SAFE_INTEGER).contains(&i) {
            Ok(i)
        } else {
            Err(refuse())
        };
    }
    if n.is_u64() {
        return Err(refuse());
    }
    // 1.0 or 1e2 are whole numbers written another way; ECMAScript reads them as 1, 100.
    match n.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() <= MAX_SAFE_INTEGER as f64 => Ok(f as i64),
        _ => Err(refuse()),
    }
}

fn write_canonical(value: &Json, out: &mut String) {
    match value {
        Json::Null => out.push_str("null"),
        Json::Bool(true) => out.push_str("true"),
        Json::Bool(false) => out.push_str("false"),
        Json::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Json::String(s) => write_string(s, out),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Json::Object(members) => {
            let mut sorted: Vec<&(String, Json)> = members.iter().collect();
            crate::sort::sort_by(&mut sorted, |(a, _), (b, _)| utf16_order(a, b));
            out.push('{');
            for (i, (key, item)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write_canonical(item, out);
            }
            out.push('}');
        }
    }
}

/// RFC 8785 section 3.2.3: names compared as arrays of UTF-16 code units.
fn utf16_order(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// A JSON string literal as RFC 8785 section 3.2.2.2 writes it (ECMAScript's
/// `JSON.stringify` for well-formed strings, and serde_json's escapes): also the strings
/// of a violation report's key (`crate::check::report`).
pub(crate) fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{9}' => out.push_str("\\t"),
            '\u{a}' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\u{d}' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    // Whole numbers in any JSON spelling canonicalize as ECMAScript writes them (Node:
    // String(JSON.parse("1e2")) === "100"); anything else is refused.
    #[test]
    fn numbers_are_safe_integers() {
        let canon = |t: &str| Json::parse(t).map(|j| j.canonical());
        assert_eq!(
            canon("[0,-0,1.0,1e2,-7,9007199254740991,-9007199254740991]"),
            Ok("[0,0,1,100,-7,9007199254740991,-9007199254740991]".into())
        );
        for bad in [
            "1.5",
            "9007199254740992",
            "-9007199254740992",
            "1e21",
            "18446744073709551615",
            "1e400",
            "0.1",
        ] {
            assert!(Json::parse(bad).is_err(), "{bad}");
        }
    }

    // RFC 8785 section 3.2.3 (sorting) and 3.2.4 (the full example); the expected text
    // is the RFC's output.
    #[test]
    fn rfc8785_examples() {
        let sorting = r#"{
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
}"#;
        // The names in the order the canonical text writes them.
        let text = Json::parse(sorting)
            .map(|j| j.canonical())
            .unwrap_or_default();
        // RFC 8785 section 3.2.3: names sorted by their UTF-16 code units.
        const SORTED: [&str; 7] = [
            "\r",
            "1",
            "\u{80}",
            "\u{f6}",
            "\u{20ac}",
            "\u{1f600}",
            "\u{fb33}",
        ];
        let mut keys: Vec<(usize, String)> = SORTED
            .iter()
            .map(|k| {
                let quoted = if *k == "\r" {
                    "\"\\r\"".to_string()
                } else {
                    format!("\"{k}\"")
                };
                (text.find(&quoted).unwrap_or(usize::MAX), k.to_string())
            })
            .collect();
        keys.sort();
        let keys: Vec<String> = keys.into_iter().map(|(_, k)| k).collect();
        let expected: Vec<String> = SORTED.map(String::from).to_vec();
        assert_eq!(keys, expected);

        // Section 3.2.4's example without its non-integer numbers; the expected text is
        // the RFC's output for those members.
        let example = r#"{
  "numbers": [1E3, 4, 0],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}"#;
        let canonical = Json::parse(example).map(|j| j.canonical());
        assert_eq!(
            canonical.as_deref(),
            Ok(concat!(
                r#"{"literals":[null,true,false],"numbers":[1000,4,0],"#,
                "\"string\":\"\u{20ac}$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}"
            ))
        );
    }

    #[test]
    fn strict_reading() {
        assert!(Json::parse(r#"{"a":1,"a":2}"#).is_err());
        assert!(Json::parse(r#"{"a":{"b":1,"b":1}}"#).is_err());
        assert!(Json::parse(r#""\ud800""#).is_err());
        assert!(Json::parse("1e400").is_err());
        assert!(Json::parse("[1,]").is_err());
        assert_eq!(
            Json::parse("\"\u{2028}\"").map(|j| j.canonical()),
            Ok("\"\u{2028}\"".into())
        );
    }
}
