//! Distinguished names as RFC 4514 strings, and their comparison form (RFC 5280
//! section 7.1).

use std::borrow::Cow;
use x509_parser::asn1_rs::{Tag, ToDer};
use x509_parser::x509::X509Name;

/// RFC 4514 string of a Name: RDNs last-to-first, joined by ","; multi-valued RDNs
/// joined by "+"; specials escaped; values of types without a short name written as
/// "#" and the hex of their DER (RFC 4514 section 2.4).
pub fn rfc4514(name: &X509Name<'_>) -> String {
    let rdns: Vec<_> = name.iter_rdn().collect();
    let mut out = String::new();
    for (i, rdn) in rdns.iter().rev().enumerate() {
        if i > 0 {
            out.push(',');
        }
        for (j, atv) in rdn.iter().enumerate() {
            if j > 0 {
                out.push('+');
            }
            let oid = crate::x509::oid::text(atv.attr_type());
            let value = atv.attr_value();
            match (short_name(&oid), decode_string(value.tag(), value.data)) {
                (Some(short), Some(text)) => {
                    out.push_str(short);
                    out.push('=');
                    escape_into(&mut out, &text);
                }
                (short, _) => {
                    let der = value.to_der_vec().unwrap_or_default();
                    out.push_str(short.unwrap_or(&oid));
                    out.push_str("=#");
                    out.push_str(&crate::pin::hex(&der));
                }
            }
        }
    }
    out
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

fn decode_string(tag: Tag, data: &[u8]) -> Option<Cow<'_, str>> {
    match tag {
        Tag::Utf8String
        | Tag::PrintableString
        | Tag::Ia5String
        | Tag::NumericString
        | Tag::VisibleString => core::str::from_utf8(data).ok().map(Cow::Borrowed),
        // T.61 in practice carries Latin-1.
        Tag::T61String => Some(Cow::Owned(data.iter().map(|b| char::from(*b)).collect())),
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
            String::from_utf16(&units).ok().map(Cow::Owned)
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
                .collect::<Option<String>>()
                .map(Cow::Owned)
        }
        _ => None,
    }
}

/// RFC 4514 section 2.4 escaping.
#[cfg(test)]
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    escape_into(&mut out, value);
    out
}

/// [`escape`], appended to `out`.
fn escape_into(out: &mut String, value: &str) {
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
        crate::sort::sort(&mut attributes);
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape("a,b+c"), "a\\,b\\+c");
        assert_eq!(escape(" #x "), "\\ #x\\ ");
        assert_eq!(escape("#x"), "\\#x");
        assert_eq!(escape("a\"b\\c<d>e;f"), "a\\\"b\\\\c\\<d\\>e\\;f");
    }
}
