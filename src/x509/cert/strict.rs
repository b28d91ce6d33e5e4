//! DER checks that x509-parser does not make but BoringSSL's parser (and webpki) do, on
//! the fields a decision reads. Each failure names the field, for
//! `CERT_MALFORMED`: the TBS version (v1 must not be encoded explicitly, extensions need
//! v3, an extensions field must hold at least one), the serial number (minimal INTEGER),
//! the subjectAltName (no bytes after its SEQUENCE, at least one name, ASCII dNSName
//! and rfc822Name, 4- or 16-octet iPAddress) and basicConstraints (pathLenConstraint at
//! most 255, as webpki and BoringSSL read it into a byte). Also refused, as RFC 5280
//! requires of every certificate: an empty issuer name, a critical key identifier
//! extension, and a non-critical subjectAltName beside an empty subject.

fn minimal_integer(content: &[u8]) -> bool {
    match content {
        [] => false,
        [0x00, next, ..] => next & 0x80 != 0,
        [0xff, next, ..] => next & 0x80 == 0,
        _ => true,
    }
}

const SAN: &[u8] = &[0x55, 0x1d, 0x11];
const BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
const AKI: &[u8] = &[0x55, 0x1d, 0x23];
const SKI: &[u8] = &[0x55, 0x1d, 0x0e];

/// Checks the TBSCertificate (its full DER, tag included).
pub fn check_tbs(tbs: &[u8]) -> Result<(), String> {
    let bad = |what: &str| Err(what.to_string());
    let Some((0x30, body, [])) = crate::input::der::tlv(tbs) else {
        return bad("tbsCertificate: not one DER SEQUENCE");
    };
    let mut input = body;
    let mut version = 0u8;
    if input.first() == Some(&0xa0) {
        let Some((_, explicit, rest)) = crate::input::der::tlv(input) else {
            return bad("version: malformed");
        };
        let Some((0x02, int, [])) = crate::input::der::tlv(explicit) else {
            return bad("version: not an INTEGER");
        };
        version = match int {
            [0] => return bad("version: v1 is the default and must not be encoded (DER)"),
            [1] => 1,
            [2] => 2,
            _ => return bad("version: not v1, v2 or v3"),
        };
        input = rest;
    }
    let Some((0x02, serial, rest)) = crate::input::der::tlv(input) else {
        return bad("serialNumber: not an INTEGER");
    };
    if !minimal_integer(serial) {
        return bad("serialNumber: the INTEGER is not minimally encoded (DER)");
    }
    input = rest;
    // signature, issuer, validity, subject, subjectPublicKeyInfo
    let mut empty_subject = false;
    for field in [
        "signature",
        "issuer",
        "validity",
        "subject",
        "subjectPublicKeyInfo",
    ] {
        let Some((0x30, content, rest)) = crate::input::der::tlv(input) else {
            return Err(format!("{field}: not a SEQUENCE"));
        };
        if field == "issuer" && content.is_empty() {
            return bad("issuer: an empty name (RFC 5280 section 4.1.2.4 requires one)");
        }
        if field == "subject" {
            empty_subject = content.is_empty();
        }
        input = rest;
    }
    while let Some((tag, content, rest)) = crate::input::der::tlv(input) {
        input = rest;
        match tag {
            0x81 | 0x82 if version >= 1 => {}
            0x81 | 0x82 => return bad("issuerUniqueID/subjectUniqueID: only in v2 or v3"),
            0xa3 if version == 2 => check_extensions(content, empty_subject)?,
            0xa3 => return bad("extensions: present in a certificate that is not v3"),
            _ => return bad("tbsCertificate: an unexpected field"),
        }
    }
    if !input.is_empty() {
        return bad("tbsCertificate: trailing or malformed fields");
    }
    Ok(())
}

fn check_extensions(explicit: &[u8], empty_subject: bool) -> Result<(), String> {
    let Some((0x30, mut list, [])) = crate::input::der::tlv(explicit) else {
        return Err("extensions: not a SEQUENCE".into());
    };
    if list.is_empty() {
        return Err(
            "extensions: an empty SEQUENCE (omit the field when there are no extensions)".into(),
        );
    }
    while !list.is_empty() {
        let Some((0x30, ext, rest)) = crate::input::der::tlv(list) else {
            return Err("extensions: an extension is not a SEQUENCE".into());
        };
        list = rest;
        let Some((0x06, oid, mut fields)) = crate::input::der::tlv(ext) else {
            return Err("extensions: an extension without an OID".into());
        };
        let mut critical = false;
        if fields.first() == Some(&0x01) {
            match crate::input::der::tlv(fields) {
                Some((0x01, [0xff], rest)) => {
                    critical = true;
                    fields = rest;
                }
                // An encoded FALSE (a DER default) occurs in old real certificates; it
                // decides nothing, so it is tolerated.
                Some((0x01, [0x00], rest)) => fields = rest,
                _ => return Err("extensions: a malformed critical flag".into()),
            }
        }
        let Some((0x04, value, [])) = crate::input::der::tlv(fields) else {
            return Err("extensions: a malformed extnValue".into());
        };
        if critical && (oid == AKI || oid == SKI) {
            return Err(format!(
                "{}: marked critical (RFC 5280 section 4.2.1.{} requires it non-critical)",
                if oid == AKI {
                    "authorityKeyIdentifier"
                } else {
                    "subjectKeyIdentifier"
                },
                if oid == AKI { 1 } else { 2 }
            ));
        }
        if oid == SAN && empty_subject && !critical {
            return Err("subjectAltName: not critical although the subject is empty (RFC 5280 section 4.2.1.6)".into());
        }
        if oid == SAN {
            check_san(value)?;
        } else if oid == BASIC_CONSTRAINTS {
            check_basic_constraints(value)?;
        }
    }
    Ok(())
}

fn check_san(value: &[u8]) -> Result<(), String> {
    let Some((0x30, mut names, rest)) = crate::input::der::tlv(value) else {
        return Err("subjectAltName: not a SEQUENCE".into());
    };
    if !rest.is_empty() {
        return Err("subjectAltName: bytes after the SEQUENCE of names".into());
    }
    if names.is_empty() {
        return Err("subjectAltName: no names (RFC 5280 requires at least one)".into());
    }
    while !names.is_empty() {
        let Some((tag, content, rest)) = crate::input::der::tlv(names) else {
            return Err("subjectAltName: a malformed GeneralName".into());
        };
        names = rest;
        match tag {
            0x81 if !content.is_ascii() => {
                return Err("subjectAltName rfc822Name: not ASCII (IA5String)".into())
            }
            0x82 if !content.is_ascii() => {
                return Err("subjectAltName dNSName: not ASCII (IA5String)".into())
            }
            0x86 if !content.is_ascii() => {
                return Err("subjectAltName uniformResourceIdentifier: not ASCII".into())
            }
            0x87 if content.len() != 4 && content.len() != 16 => {
                return Err(format!(
                    "subjectAltName iPAddress: {} octets (an address is 4 or 16)",
                    content.len()
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

fn check_basic_constraints(value: &[u8]) -> Result<(), String> {
    let Some((0x30, mut fields, [])) = crate::input::der::tlv(value) else {
        return Err("basicConstraints: not one SEQUENCE".into());
    };
    if fields.first() == Some(&0x01) {
        match crate::input::der::tlv(fields) {
            Some((0x01, [0xff], rest)) => fields = rest,
            // An encoded FALSE (a DER default) is tolerated: it says what the default says.
            Some((0x01, [0x00], rest)) => fields = rest,
            _ => return Err("basicConstraints cA: malformed".into()),
        }
    }
    if !fields.is_empty() {
        let Some((0x02, int, [])) = crate::input::der::tlv(fields) else {
            return Err("basicConstraints pathLenConstraint: not one INTEGER".into());
        };
        if !minimal_integer(int) || int.first().is_some_and(|b| b & 0x80 != 0) {
            return Err(
                "basicConstraints pathLenConstraint: not a minimal non-negative INTEGER".into(),
            );
        }
        let significant: Vec<u8> = int.iter().copied().skip_while(|b| *b == 0).collect();
        if significant.len() > 1 {
            return Err("basicConstraints pathLenConstraint: over 255".into());
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn san_rules() {
        // SEQUENCE { [2] "a" }
        assert!(check_san(&[0x30, 0x03, 0x82, 0x01, b'a']).is_ok());
        assert!(check_san(&[0x30, 0x03, 0x82, 0x01, b'a', 0x00]).is_err());
        assert!(check_san(&[0x30, 0x03, 0x82, 0x01, 0xe9]).is_err());
        assert!(check_san(&[0x30, 0x05, 0x87, 0x03, 1, 2, 3]).is_err());
        assert!(check_san(&[0x30, 0x06, 0x87, 0x04, 1, 2, 3, 4]).is_ok());
        assert!(check_san(&[0x30, 0x00]).is_err());
    }

    #[test]
    fn path_len_rules() {
        assert!(check_basic_constraints(&[0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x05]).is_ok());
        assert!(
            check_basic_constraints(&[0x30, 0x07, 0x01, 0x01, 0xff, 0x02, 0x02, 0x00, 0xff])
                .is_ok()
        );
        assert!(
            check_basic_constraints(&[0x30, 0x07, 0x01, 0x01, 0xff, 0x02, 0x02, 0x01, 0x00])
                .is_err()
        );
        assert!(check_basic_constraints(&[0x30, 0x00]).is_ok());
    }

    #[test]
    fn integers() {
        assert!(minimal_integer(&[0x00, 0x80]));
        assert!(!minimal_integer(&[0x00, 0x7f]));
        assert!(!minimal_integer(&[0xff, 0x80]));
        assert!(minimal_integer(&[0x01]));
    }
}
