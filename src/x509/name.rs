//! Text forms: distinguished names as RFC 4514 strings, instants as RFC 3339.

use x509_parser::asn1_rs::{Tag, ToDer};
use x509_parser::x509::X509Name;

/// RFC 4514 string of a Name: RDNs last-to-first, joined by ","; multi-valued RDNs
/// joined by "+"; specials escaped; values of types without a short name written as
/// "#" and the hex of their DER (RFC 4514 section 2.4).
pub fn rfc4514(name: &X509Name<'_>) -> String {
    let mut rdns: Vec<String> = name
        .iter_rdn()
        .map(|rdn| {
            rdn.iter()
                .map(|atv| {
                    let oid = atv.attr_type().to_id_string();
                    let value = atv.attr_value();
                    match (short_name(&oid), decode_string(value.tag(), value.data)) {
                        (Some(short), Some(text)) => format!("{short}={}", escape(&text)),
                        (short, _) => {
                            let der = value.to_der_vec().unwrap_or_default();
                            format!("{}=#{}", short.unwrap_or(&oid), crate::pin::hex(&der))
                        }
                    }
                })
                .collect::<Vec<_>>()
                .join("+")
        })
        .collect();
    rdns.reverse();
    rdns.join(",")
}

fn short_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        // RFC 4514 section 3
        "2.5.4.3" => "CN",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.6" => "C",
        "2.5.4.9" => "STREET",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        // Widely recognised beyond the RFC's table (as OpenSSL names them).
        "2.5.4.5" => "serialNumber",
        "1.2.840.113549.1.9.1" => "emailAddress",
        "2.5.4.4" => "SN",
        "2.5.4.42" => "GN",
        "2.5.4.12" => "title",
        "2.5.4.15" => "businessCategory",
        "2.5.4.17" => "postalCode",
        "2.5.4.97" => "organizationIdentifier",
        "1.3.6.1.4.1.311.60.2.1.3" => "jurisdictionC",
        "1.3.6.1.4.1.311.60.2.1.2" => "jurisdictionST",
        "1.3.6.1.4.1.311.60.2.1.1" => "jurisdictionL",
        _ => return None,
    })
}

fn decode_string(tag: Tag, data: &[u8]) -> Option<String> {
    match tag {
        Tag::Utf8String
        | Tag::PrintableString
        | Tag::Ia5String
        | Tag::NumericString
        | Tag::VisibleString => core::str::from_utf8(data).ok().map(str::to_owned),
        // T.61 in practice carries Latin-1.
        Tag::T61String => Some(data.iter().map(|b| char::from(*b)).collect()),
        Tag::BmpString => {
            if data.len() % 2 != 0 {
                return None;
            }
            let units: Vec<u16> = data
                .chunks_exact(2)
                .map(|c| {
                    u16::from_be_bytes([
                        c.first().copied().unwrap_or(0),
                        c.get(1).copied().unwrap_or(0),
                    ])
                })
                .collect();
            String::from_utf16(&units).ok()
        }
        Tag::UniversalString => {
            if data.len() % 4 != 0 {
                return None;
            }
            data.chunks_exact(4)
                .map(|c| {
                    let mut b = [0u8; 4];
                    b.copy_from_slice(c);
                    char::from_u32(u32::from_be_bytes(b))
                })
                .collect()
        }
        _ => None,
    }
}

/// RFC 4514 section 2.4 escaping.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        match c {
            '"' | '+' | ',' | ';' | '<' | '>' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '#' if i == 0 => out.push_str("\\#"),
            ' ' if i == 0 || i == last => out.push_str("\\ "),
            '\0' => out.push_str("\\00"),
            c => out.push(c),
        }
    }
    out
}

/// The RFC 5280 section 7.1 comparison form of a Name, as bytes: two names match
/// exactly when their forms are equal. Each RDN is the set of its attributes (sorted, so
/// the order inside a multi-valued RDN does not matter); an attribute is its type OID
/// and its value. A PrintableString or UTF8String value (the types RFC 5280 requires CAs
/// to use) is compared after LDAP StringPrep as RFC 4518 applies it in practice (and as
/// Chromium does): ASCII case folded, leading and trailing spaces removed and inner runs
/// of spaces collapsed to one; the two string types compare equal to each other. Every
/// other value (other string types, non-string values) is compared as its DER, tag
/// included, byte for byte.
pub fn comparison_form(name: &X509Name<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    for rdn in name.iter_rdn() {
        let mut attributes: Vec<Vec<u8>> = rdn
            .iter()
            .map(|atv| {
                let mut a = Vec::new();
                let oid = atv.attr_type().as_bytes();
                push_len(&mut a, oid.len());
                a.extend_from_slice(oid);
                let value = atv.attr_value();
                let folded = match value.tag() {
                    Tag::PrintableString | Tag::Utf8String => {
                        core::str::from_utf8(value.data).ok().map(fold_string)
                    }
                    _ => None,
                };
                match folded {
                    Some(text) => {
                        a.push(0);
                        push_len(&mut a, text.len());
                        a.extend_from_slice(text.as_bytes());
                    }
                    None => {
                        let der = value.to_der_vec().unwrap_or_default();
                        a.push(1);
                        push_len(&mut a, der.len());
                        a.extend_from_slice(&der);
                    }
                }
                a
            })
            .collect();
        attributes.sort();
        out.push(b'{');
        push_len(&mut out, attributes.len());
        for a in attributes {
            push_len(&mut out, a.len());
            out.extend_from_slice(&a);
        }
    }
    out
}

fn push_len(out: &mut Vec<u8>, len: usize) {
    out.extend_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_be_bytes());
}

/// ASCII case folding and space folding (RFC 4518 section 2.6.1, insignificant space).
fn fold_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    out
}

/// RFC 3339 UTC form of a Unix time: `2027-01-01T00:00:00Z`.
pub fn rfc3339(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(86_400);
    let secs = unix_seconds.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    )
}

/// Parses an RFC 3339 instant, or a bare date meaning 00:00:00Z of that day, into Unix
/// seconds (fractions of a second are dropped). `None` when it does not parse.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let num = |r: core::ops::Range<usize>| -> Option<i64> {
        let s = text.get(r)?;
        if s.bytes().all(|c| c.is_ascii_digit()) && !s.is_empty() {
            s.parse().ok()
        } else {
            None
        }
    };
    if b.len() < 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    let date = days_from_civil(y, m, d) * 86_400;
    if b.len() == 10 {
        return Some(date);
    }
    if !matches!(b.get(10), Some(b'T' | b't')) || b.len() < 20 {
        return None;
    }
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return None;
    }
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let mut rest = text.get(19..)?;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = frac.get(digits..)?;
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return None,
            };
            if rest.len() != 6 || rest.as_bytes().get(3) != Some(&b':') {
                return None;
            }
            // Digits only: `str::parse` would take a sign ("+-1:00").
            let two_digits = |r: core::ops::Range<usize>| -> Option<i64> {
                let s = rest.get(r)?;
                if s.len() == 2 && s.bytes().all(|c| c.is_ascii_digit()) {
                    s.parse().ok()
                } else {
                    None
                }
            };
            let oh = two_digits(1..3)?;
            let om = two_digits(4..6)?;
            if oh > 23 || om > 59 {
                return None;
            }
            sign * (oh * 3600 + om * 60)
        }
    };
    Some(date + hh * 3600 + mm * 60 + ss.min(59) - offset)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's civil-date algorithms (public domain), proleptic Gregorian calendar.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        // date -u -d @0 / @1798761600 / @951782400 (GNU date)
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_798_761_600), "2027-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(rfc3339(253_402_300_799), "9999-12-31T23:59:59Z");
        for t in [
            0,
            1_798_761_600,
            951_782_400,
            -1,
            253_402_300_799,
            1_234_567_890,
        ] {
            assert_eq!(parse_rfc3339(&rfc3339(t)), Some(t));
        }
        assert_eq!(parse_rfc3339("2027-01-01"), Some(1_798_761_600));
        assert_eq!(
            parse_rfc3339("2027-01-01T01:00:00+01:00"),
            Some(1_798_761_600)
        );
        assert_eq!(
            parse_rfc3339("2026-12-31T19:00:00.999-05:00"),
            Some(1_798_761_600)
        );
        for bad in [
            "",
            "2027-13-01",
            "2027-02-29",
            "2027-01-01T00:00:00",
            "2027-01-01 00:00:00Z",
            "2027-1-01",
            "27-01-01",
            "2027-01-01T24:00:00Z",
            "2027-01-01T00:00:00+1:00",
            "soon",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn escaping() {
        assert_eq!(escape("a,b+c"), "a\\,b\\+c");
        assert_eq!(escape(" #x "), "\\ #x\\ ");
        assert_eq!(escape("#x"), "\\#x");
        assert_eq!(escape("a\"b\\c<d>e;f"), "a\\\"b\\\\c\\<d\\>e\\;f");
    }
}
