//! Input decoding: turns what a host hands over (PEM text with any number of blocks,
//! PEM or DER bytes, base64 of one DER certificate, or an array of those, leaf first)
//! into DER items. PEM follows RFC 7468's strict grammar for the block itself, with the
//! leniency real files need: text between blocks (as `openssl s_client
//! -showcerts` prints) is ignored, and so is a `-----BEGIN` that does not start a line
//! (`# -----BEGIN ...` in a comment); RFC 1421 headers at the top of a block are skipped
//! (an encrypted block is refused); a block that is neither a certificate nor a key (a
//! private key beside the certificates, parameters, a CRL) is skipped with a warning
//! (`PEM_BLOCK_SKIPPED`) that never quotes it. A broken CERTIFICATE, PUBLIC KEY or
//! CERTIFICATE REQUEST block is still refused, and an input with nothing but skipped
//! blocks is refused with the first one's reason.

pub(crate) mod der;

use crate::error::{Error, Result};
use crate::finding::{Finding, FindingCode};
use crate::limits::{MAX_CERTIFICATES, MAX_INPUT_BYTES, MAX_PEM_BLOCKS};
use base64::Engine as _;

/// A block that was skipped: the warning, and the error it would have been alone.
struct Skipped {
    part: usize,
    finding: Finding,
    error: Error,
}

/// One part of an input as the host passed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// PEM text, or base64 of one DER certificate.
    Text(String),
    /// DER of one item, or PEM bytes.
    Bytes(Vec<u8>),
}

/// What a DER item claims to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// From a `CERTIFICATE` block, or DER/base64 input (which is taken as a certificate
    /// first, see `crate::pin::pins_of_items`).
    Certificate,
    /// From a `PUBLIC KEY` block: a DER `SubjectPublicKeyInfo`.
    PublicKey,
    /// From a `CERTIFICATE REQUEST` block: a PKCS#10 request (RFC 2986).
    CertificateRequest,
}

/// One decoded item: its DER bytes, what it is, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub kind: ItemKind,
    pub der: Vec<u8>,
    /// True when the item came from bare DER or base64 (no label said what it is).
    pub unlabelled: bool,
    /// The index of the PEM block it came from, counted over the whole input.
    pub block_index: Option<usize>,
}

/// Decodes every part, in order, into DER items; enforces the input bounds.
pub fn decode(parts: &[Part]) -> Result<Vec<Item>> {
    decode_noted(parts).map(|(items, _)| items)
}

/// The size of an input: the bytes of every part, text as UTF-8.
pub(crate) fn input_bytes(parts: &[Part]) -> usize {
    parts
        .iter()
        .map(|p| match p {
            Part::Text(t) => t.len(),
            Part::Bytes(b) => b.len(),
        })
        .sum()
}

/// [`decode`], with a warning for each PEM block that was skipped.
pub fn decode_noted(parts: &[Part]) -> Result<(Vec<Item>, Vec<Finding>)> {
    let total = input_bytes(parts);
    if total > MAX_INPUT_BYTES {
        return Err(Error::InputTooLarge {
            bytes: total,
            limit: MAX_INPUT_BYTES,
        });
    }
    if parts.is_empty() {
        return Err(Error::InputEmpty);
    }
    let mut items = Vec::new();
    let mut blocks_seen = 0usize;
    let mut skipped: Vec<Skipped> = Vec::new();
    for (part_index, part) in parts.iter().enumerate() {
        let before = items.len();
        let mut noted = Vec::new();
        match part {
            Part::Text(text) => decode_text(text, &mut items, &mut blocks_seen, &mut noted)?,
            Part::Bytes(bytes) => decode_bytes(bytes, &mut items, &mut blocks_seen, &mut noted)?,
        }
        skipped.extend(noted.into_iter().map(|mut s: Skipped| {
            s.part = part_index;
            s
        }));
        if items.len() == before {
            // Nothing but skipped blocks: refuse as the first of them alone would be.
            if let Some(first) = skipped.iter().position(|s| s.part == part_index) {
                return Err(skipped.swap_remove(first).error);
            }
            return Err(if parts.len() == 1 {
                Error::InputEmpty
            } else {
                Error::UnsupportedInput {
                    block_index: None,
                    reason: format!("array item {part_index} is empty"),
                }
            });
        }
        if items.len() > MAX_CERTIFICATES {
            return Err(Error::TooManyCertificates {
                count: items.len(),
                limit: MAX_CERTIFICATES,
            });
        }
    }
    Ok((items, skipped.into_iter().map(|s| s.finding).collect()))
}

fn decode_text(
    text: &str,
    items: &mut Vec<Item>,
    blocks_seen: &mut usize,
    skipped: &mut Vec<Skipped>,
) -> Result<()> {
    if text.contains("-----BEGIN") {
        return decode_pem(text, items, blocks_seen, skipped);
    }
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if compact.is_empty() {
        return Ok(());
    }
    let der = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|e| Error::UnsupportedInput {
            block_index: None,
            reason: format!(
                "the text is neither PEM (no -----BEGIN line) nor base64 of one DER certificate ({e})"
            ),
        })?;
    if der.first() != Some(&0x30) {
        return Err(Error::UnsupportedInput {
            block_index: None,
            reason: "the text is neither PEM (no -----BEGIN line) nor base64 of a DER certificate \
                     (it does not decode to a SEQUENCE)"
                .into(),
        });
    }
    push_der(der, items)
}

fn decode_bytes(
    bytes: &[u8],
    items: &mut Vec<Item>,
    blocks_seen: &mut usize,
    skipped: &mut Vec<Skipped>,
) -> Result<()> {
    let first = bytes.iter().position(|b| !b.is_ascii_whitespace());
    let Some(first) = first else {
        return Ok(());
    };
    if bytes.get(first) == Some(&0x30) && first == 0 {
        return push_der(bytes.to_vec(), items);
    }
    match core::str::from_utf8(bytes) {
        Ok(text) if text.contains("-----BEGIN") => decode_pem(text, items, blocks_seen, skipped),
        _ => Err(Error::UnsupportedInput {
            block_index: None,
            reason: "the bytes are neither DER (which starts with 0x30, a SEQUENCE) nor PEM text \
                     (-----BEGIN CERTIFICATE-----)"
                .into(),
        }),
    }
}

fn push_der(der: Vec<u8>, items: &mut Vec<Item>) -> Result<()> {
    let cert_index = items.len();
    check_der_framing(&der, cert_index)?;
    items.push(Item {
        kind: ItemKind::Certificate,
        der,
        unlabelled: true,
        block_index: None,
    });
    Ok(())
}

/// Checks that `der` is exactly one DER SEQUENCE with a minimal definite length and no
/// trailing bytes.
pub fn check_der_framing(der: &[u8], cert_index: usize) -> Result<()> {
    let fail = |offset: usize, reason: String| Error::DerMalformed {
        cert_index,
        offset,
        reason,
    };
    match der.first() {
        None => return Err(Error::InputEmpty),
        Some(0x30) => {}
        Some(tag) => {
            return Err(fail(
                0,
                format!("expected a SEQUENCE (tag 0x30), found tag 0x{tag:02x}"),
            ))
        }
    }
    let first_len = *der
        .get(1)
        .ok_or_else(|| fail(1, "truncated: the length byte is missing".into()))?;
    let (header, content_len) = if first_len < 0x80 {
        (2usize, usize::from(first_len))
    } else if first_len == 0x80 {
        return Err(fail(1, "indefinite length is not allowed in DER".into()));
    } else {
        let count = usize::from(first_len & 0x7f);
        if count > 4 {
            return Err(fail(1, format!("a {count}-byte length is absurd")));
        }
        let bytes = der
            .get(2..2 + count)
            .ok_or_else(|| fail(2, "truncated inside the length".into()))?;
        if bytes.first() == Some(&0) {
            return Err(fail(2, "non-minimal length encoding (leading zero)".into()));
        }
        let len = bytes
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        if len < 0x80 {
            return Err(fail(
                2,
                "non-minimal length encoding (long form for a short length)".into(),
            ));
        }
        (2 + count, len)
    };
    let total = header.saturating_add(content_len);
    if total > der.len() {
        return Err(fail(
            der.len(),
            format!(
                "truncated: the certificate says it is {total} bytes long, but only {} bytes were given",
                der.len()
            ),
        ));
    }
    if total < der.len() {
        return Err(fail(
            total,
            format!(
                "{} trailing bytes after the end of the certificate: pass one certificate per item",
                der.len() - total
            ),
        ));
    }
    Ok(())
}

/// The offset of the next `-----BEGIN` at `from` or after that starts a line (spaces and
/// tabs before it allowed).
fn next_begin(text: &str, mut from: usize) -> Option<usize> {
    loop {
        let found = from + text.get(from..)?.find("-----BEGIN")?;
        let line_start = text
            .get(..found)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1);
        let lead = text.get(line_start..found).unwrap_or_default();
        if lead.chars().all(|c| c == ' ' || c == '\t') {
            return Some(found);
        }
        from = found + "-----BEGIN".len();
    }
}

/// The body with RFC 1421 headers (`Name: value` lines, with indented continuation
/// lines, up to a blank line) removed, or `None` when they say the block is encrypted.
fn strip_headers(body: &str) -> Option<&str> {
    if !body.contains(':') {
        return Some(body);
    }
    let mut offset = 0usize;
    let mut in_headers = false;
    let mut encrypted = false;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim_end_matches(['\r', '\n']);
        let continuation = in_headers && trimmed.starts_with([' ', '\t']);
        if trimmed.contains(':') || continuation {
            in_headers = true;
            if trimmed.starts_with("Proc-Type:") && trimmed.contains("ENCRYPTED") {
                encrypted = true;
            }
            if trimmed.starts_with("DEK-Info:") {
                encrypted = true;
            }
        } else if trimmed.trim().is_empty() {
            if in_headers {
                offset += line.len();
                break;
            }
        } else {
            break;
        }
        offset += line.len();
    }
    if encrypted {
        return None;
    }
    body.get(offset..)
}

fn decode_pem(
    text: &str,
    items: &mut Vec<Item>,
    blocks_seen: &mut usize,
    skipped: &mut Vec<Skipped>,
) -> Result<()> {
    let mut rest_offset = 0usize;
    while let Some(begin) = next_begin(text, rest_offset) {
        let block_index = *blocks_seen;
        *blocks_seen += 1;
        if *blocks_seen > MAX_PEM_BLOCKS {
            return Err(Error::TooManyPemBlocks {
                limit: MAX_PEM_BLOCKS,
            });
        }
        let malformed = |offset: usize, reason: String| Error::PemMalformed {
            block_index,
            offset,
            reason,
        };
        let after_begin = text.get(begin..).unwrap_or_default();
        let line_end = after_begin.find('\n').unwrap_or(after_begin.len());
        let begin_line = after_begin
            .get(..line_end)
            .unwrap_or_default()
            .trim_end_matches(['\r', ' ', '\t']);
        let label = begin_line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
            .filter(|l| !l.is_empty() && !l.contains("-----"))
            .ok_or_else(|| {
                malformed(
                    begin,
                    "the BEGIN line must read -----BEGIN <LABEL>----- on a line of its own".into(),
                )
            })?;
        let end_marker = format!("-----END {label}-----");
        let body_start = begin + line_end;
        let body_and_rest = text.get(body_start..).unwrap_or_default();
        if let Some(error) = skippable_label(label, block_index) {
            // Not a certificate or a key: skip it whole (never decoded, never quoted),
            // up to its END line or, failing that, the next BEGIN line.
            let end = body_and_rest
                .find(&end_marker)
                .map(|e| body_start + e + end_marker.len())
                .or_else(|| next_begin(text, body_start))
                .unwrap_or(text.len());
            skipped.push(Skipped {
                part: 0,
                finding: Finding::warning(
                    FindingCode::PemBlockSkipped,
                    format!(
                        "PEM block {block_index} is a {} block, not a certificate: it was skipped without being read{}",
                        label_for_message(label),
                        if label.contains("PRIVATE KEY") {
                            " (a private key must never be shared; certpin needs only certificates)"
                        } else {
                            ""
                        }
                    ),
                ),
                error,
            });
            rest_offset = end.max(body_start);
            continue;
        }
        let next_begin = next_begin(text, body_start).map(|n| n - body_start);
        let end_at = body_and_rest.find(&end_marker);
        let end_rel = match (end_at, next_begin) {
            (Some(e), Some(n)) if n < e => None,
            (e, _) => e,
        }
        .ok_or_else(|| {
            malformed(
                begin,
                format!(
                    "no matching {end_marker} line (the block is cut off or its END label differs)"
                ),
            )
        })?;
        let body = strip_headers(body_and_rest.get(..end_rel).unwrap_or_default()).ok_or_else(
            || {
                malformed(
                    begin,
                    "PEM headers say the block is encrypted (Proc-Type: 4,ENCRYPTED or DEK-Info): decrypt it first"
                        .into(),
                )
            },
        )?;
        let compact: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        if compact.is_empty() {
            return Err(malformed(begin, "the block has no content".into()));
        }
        let der = base64::engine::general_purpose::STANDARD
            .decode(compact.as_bytes())
            .map_err(|e| malformed(begin, format!("invalid base64 in the block body: {e}")))?;
        rest_offset = body_start + end_rel + end_marker.len();

        let kind = kind_of_label(label, block_index)?;
        let cert_index = items.len();
        check_der_framing(&der, cert_index).map_err(|e| match e {
            Error::DerMalformed { offset, reason, .. } => Error::PemMalformed {
                block_index,
                offset: begin,
                reason: format!("its DER content is malformed at byte {offset}: {reason}"),
            },
            other => other,
        })?;
        items.push(Item {
            kind,
            der,
            unlabelled: false,
            block_index: Some(block_index),
        });
    }
    Ok(())
}

/// The label as a message may show it: known labels as they are, anything else
/// replaced (a label is input and could carry anything).
fn label_for_message(label: &str) -> &str {
    if label.len() <= 40
        && label
            .chars()
            .all(|c| c.is_ascii_uppercase() || c == ' ' || c.is_ascii_digit())
    {
        label
    } else {
        "non-certificate"
    }
}

/// For a label that is neither a certificate nor a key certpin reads, the error the
/// block would be alone (it is skipped beside others); `None` for labels that are read
/// (and TRUSTED CERTIFICATE, a certificate that is refused rather than skipped).
fn skippable_label(label: &str, block_index: usize) -> Option<Error> {
    match label {
        "TRUSTED CERTIFICATE" => None,
        l => kind_of_label(l, block_index).err(),
    }
}

fn kind_of_label(label: &str, block_index: usize) -> Result<ItemKind> {
    let unsupported = |reason: String| Error::UnsupportedInput {
        block_index: Some(block_index),
        reason,
    };
    match label {
        // RFC 7468 section 5.3: "X509 CERTIFICATE" is a legacy label parsers may accept.
        "CERTIFICATE" | "X509 CERTIFICATE" => Ok(ItemKind::Certificate),
        "PUBLIC KEY" => Ok(ItemKind::PublicKey),
        // RFC 7468 section 7: "NEW CERTIFICATE REQUEST" is the legacy label.
        "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => Ok(ItemKind::CertificateRequest),
        "TRUSTED CERTIFICATE" => Err(unsupported(
            "OpenSSL's TRUSTED CERTIFICATE form carries trust settings after the certificate; \
             convert it with `openssl x509 -in file.pem -out plain.pem`"
                .into(),
        )),
        "RSA PUBLIC KEY" => Err(unsupported(
            "a PKCS#1 RSA PUBLIC KEY is not a SubjectPublicKeyInfo; convert it with \
             `openssl rsa -RSAPublicKey_in -in key.pem -pubout`"
                .into(),
        )),
        l if l.contains("PRIVATE KEY") => Err(unsupported(format!(
            "this is a {l}: never share it; pins need only the public key \
             (`openssl pkey -in key.pem -pubout`)"
        ))),
        l => Err(unsupported(format!(
            "unsupported PEM label {l:?}: expected CERTIFICATE, PUBLIC KEY or CERTIFICATE REQUEST"
        ))),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn text(s: &str) -> Vec<Part> {
        vec![Part::Text(s.to_owned())]
    }

    // A tiny well-framed SEQUENCE; certificate parsing is not this module's business.
    const SEQ: &[u8] = &[0x30, 0x03, 0x02, 0x01, 0x05];
    const SEQ_B64: &str = "MAMCAQU=";

    #[test]
    fn framing() {
        let cases: &[(&[u8], Option<&str>)] = &[
            (SEQ, None),
            (&[0x30, 0x04, 0x02, 0x01, 0x05], Some("truncated")),
            (&[0x30, 0x03, 0x02, 0x01, 0x05, 0x00], Some("trailing")),
            (&[0x31, 0x00], Some("expected a SEQUENCE")),
            (&[0x30, 0x80, 0x00, 0x00], Some("indefinite")),
            (&[0x30, 0x81, 0x03, 0x02, 0x01, 0x05], Some("non-minimal")),
            (&[0x30, 0x85, 1, 1, 1, 1, 1], Some("absurd")),
            (&[0x30], Some("length byte")),
        ];
        for (der, want) in cases {
            let got = check_der_framing(der, 0);
            match want {
                None => assert!(got.is_ok(), "{der:?}"),
                Some(w) => {
                    let e = got.unwrap_err();
                    assert_eq!(e.code(), "DER_MALFORMED");
                    assert!(e.to_string().contains(w), "{e} should mention {w}");
                }
            }
        }
    }

    #[test]
    fn pem_bundle_with_junk_and_crlf() {
        let pem = format!(
            "subject=CN = a\r\nissuer=CN = b\r\n-----BEGIN CERTIFICATE-----\r\n{SEQ_B64}\r\n-----END CERTIFICATE-----\r\n\
             junk between\n-----BEGIN PUBLIC KEY-----\n{SEQ_B64}\n-----END PUBLIC KEY-----\n\
             -----BEGIN NEW CERTIFICATE REQUEST-----\n{SEQ_B64}\n-----END NEW CERTIFICATE REQUEST-----\n"
        );
        let items = decode(&text(&pem)).unwrap();
        let kinds: Vec<ItemKind> = items.iter().map(|i| i.kind).collect();
        assert_eq!(
            kinds,
            [
                ItemKind::Certificate,
                ItemKind::PublicKey,
                ItemKind::CertificateRequest
            ]
        );
        assert!(items.iter().all(|i| i.der == SEQ));
        assert_eq!(items[2].block_index, Some(2));
    }

    #[test]
    fn bad_pem_names_the_block() {
        let good = format!("-----BEGIN CERTIFICATE-----\n{SEQ_B64}\n-----END CERTIFICATE-----\n");
        let cases = [
            ("-----BEGIN CERTIFICATE-----\nMAMC!QU=\n-----END CERTIFICATE-----\n", "PEM_MALFORMED", "base64"),
            ("-----BEGIN CERTIFICATE-----\nMAMCAQU=\n", "PEM_MALFORMED", "no matching"),
            ("-----BEGIN CERTIFICATE-----\nMAMCAQU=\n-----END PUBLIC KEY-----\n", "PEM_MALFORMED", "no matching"),
            ("-----BEGIN CERTIFICATE-----\n\n-----END CERTIFICATE-----\n", "PEM_MALFORMED", "no content"),
            ("-----BEGIN CERTIFICATE\nMAMCAQU=\n-----END CERTIFICATE-----\n", "PEM_MALFORMED", "BEGIN line"),
            ("-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\n\nMAMCAQU=\n-----END CERTIFICATE-----\n", "PEM_MALFORMED", "headers"),
            ("-----BEGIN CERTIFICATE-----\nMAQCAQU=\n-----END CERTIFICATE-----\n", "PEM_MALFORMED", "truncated"),
        ];
        for (pem, code, words) in cases {
            let input = format!("{good}{pem}");
            let e = decode(&text(&input)).unwrap_err();
            assert_eq!(e.code(), code, "{pem}: {e}");
            assert!(e.to_string().contains(words), "{e} should mention {words}");
            assert!(e.to_string().contains("block 1"), "{e} should name block 1");
        }
    }

    /// Blocks that are not certificates or keys are skipped beside
    /// certificates (with a warning that never quotes them), refused alone as before.
    #[test]
    fn non_certificate_blocks_are_skipped_beside_certificates() {
        let good = format!("-----BEGIN CERTIFICATE-----\n{SEQ_B64}\n-----END CERTIFICATE-----\n");
        let secret = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC";
        let cases = [
            (
                "-----BEGIN X509 CRL-----\nMAMCAQU=\n-----END X509 CRL-----\n".to_string(),
                "unsupported PEM label",
            ),
            (
                format!("-----BEGIN PRIVATE KEY-----\n{secret}\n-----END PRIVATE KEY-----\n"),
                "never share",
            ),
            (
                format!("-----BEGIN RSA PRIVATE KEY-----\n{secret}\n"),
                "never share",
            ),
            (
                "-----BEGIN RSA PUBLIC KEY-----\nMAMCAQU=\n-----END RSA PUBLIC KEY-----\n"
                    .to_string(),
                "PKCS#1",
            ),
        ];
        for (block, alone) in cases {
            for input in [format!("{good}{block}"), format!("{block}{good}")] {
                let (items, notes) = decode_noted(&text(&input)).unwrap();
                assert_eq!(items.len(), 1, "{input}");
                assert_eq!(notes.len(), 1, "{input}");
                assert_eq!(notes[0].code, FindingCode::PemBlockSkipped);
                assert!(!notes[0].message.contains(secret), "{}", notes[0].message);
            }
            let e = decode(&text(&block)).unwrap_err();
            assert_eq!(e.code(), "UNSUPPORTED_INPUT", "{block}");
            assert!(e.to_string().contains(alone), "{e}");
            assert!(!e.to_string().contains(secret), "{e}");
        }
        // RFC 1421 headers at the top of a certificate block are skipped.
        let with_headers = format!(
            "-----BEGIN CERTIFICATE-----\nSubject: CN=a\nComment: exported\n  continued\n\n{SEQ_B64}\n-----END CERTIFICATE-----\n"
        );
        assert_eq!(decode(&text(&with_headers)).unwrap().len(), 1);
        // A BEGIN marker that does not start a line is text, not a block.
        let commented = format!("# -----BEGIN CERTIFICATE----- below\n#-----BEGIN X\n{good}");
        assert_eq!(decode(&text(&commented)).unwrap().len(), 1);
        // A broken certificate block among good ones is still refused.
        let broken = format!(
            "{good}-----BEGIN CERTIFICATE-----\nMAMC!QU=\n-----END CERTIFICATE-----\n{good}"
        );
        assert_eq!(decode(&text(&broken)).unwrap_err().code(), "PEM_MALFORMED");
        // And so is an encrypted one.
        let encrypted = format!(
            "-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n{SEQ_B64}\n-----END CERTIFICATE-----\n"
        );
        assert_eq!(
            decode(&text(&encrypted)).unwrap_err().code(),
            "PEM_MALFORMED"
        );
    }

    #[test]
    fn base64_der_and_bytes() {
        assert_eq!(decode(&text(SEQ_B64)).unwrap()[0].der, SEQ);
        assert_eq!(decode(&text(" MAMC\nAQU= ")).unwrap()[0].der, SEQ);
        assert!(decode(&text(SEQ_B64)).unwrap()[0].unlabelled);
        assert_eq!(decode(&[Part::Bytes(SEQ.to_vec())]).unwrap()[0].der, SEQ);
        let pem_bytes =
            format!("-----BEGIN CERTIFICATE-----\n{SEQ_B64}\n-----END CERTIFICATE-----\n");
        assert_eq!(
            decode(&[Part::Bytes(pem_bytes.into_bytes())])
                .unwrap()
                .len(),
            1
        );
        let e = decode(&text("junk")).unwrap_err();
        assert_eq!(e.code(), "UNSUPPORTED_INPUT");
        let e = decode(&text("not a certificate at all!")).unwrap_err();
        assert_eq!(e.code(), "UNSUPPORTED_INPUT");
        let e = decode(&[Part::Bytes(vec![0xde, 0xad, 0xbe, 0xef])]).unwrap_err();
        assert_eq!(e.code(), "UNSUPPORTED_INPUT");
    }

    #[test]
    fn bounds() {
        assert_eq!(decode(&[]).unwrap_err().code(), "INPUT_EMPTY");
        assert_eq!(decode(&text("")).unwrap_err().code(), "INPUT_EMPTY");
        assert_eq!(decode(&text("  \n")).unwrap_err().code(), "INPUT_EMPTY");
        assert_eq!(
            decode(&[Part::Bytes(vec![])]).unwrap_err().code(),
            "INPUT_EMPTY"
        );
        let big = "A".repeat(MAX_INPUT_BYTES + 1);
        assert_eq!(decode(&text(&big)).unwrap_err().code(), "INPUT_TOO_LARGE");
        let many = vec![Part::Bytes(SEQ.to_vec()); MAX_CERTIFICATES + 1];
        assert_eq!(decode(&many).unwrap_err().code(), "TOO_MANY_CERTIFICATES");
        let ok = vec![Part::Bytes(SEQ.to_vec()); MAX_CERTIFICATES];
        assert_eq!(decode(&ok).unwrap().len(), MAX_CERTIFICATES);
        let cert = format!("-----BEGIN CERTIFICATE-----\n{SEQ_B64}\n-----END CERTIFICATE-----\n");
        let e = decode(&text(&cert.repeat(MAX_PEM_BLOCKS + 1))).unwrap_err();
        assert_eq!(e.code(), "TOO_MANY_PEM_BLOCKS");
        let e = decode(&[Part::Bytes(SEQ.to_vec()), Part::Text(String::new())]).unwrap_err();
        assert_eq!(e.code(), "UNSUPPORTED_INPUT");
    }

    /// Every file of the fuzz corpus and of `tests/` (fixtures, regressions, revocation
    /// documents), with its path.
    fn corpus() -> Vec<(std::path::PathBuf, Vec<u8>)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = vec![root.join("fuzz/corpus"), root.join("tests")];
        let mut files = Vec::new();
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    files.push((path.clone(), std::fs::read(&path).unwrap()));
                }
            }
        }
        files
    }

    /// `Certificate::from_framed_der` skips the framing check for the items of `decode`:
    /// each one passes it again, whatever the input.
    #[test]
    fn every_decoded_item_is_framed() {
        let mut checked = 0;
        for (path, data) in corpus() {
            let mut inputs = vec![vec![Part::Bytes(data.clone())]];
            if let Ok(text) = String::from_utf8(data.clone()) {
                inputs.push(vec![Part::Text(text)]);
            }
            let pieces = data.split(|b| *b == b'\n').map(|p| Part::Bytes(p.to_vec()));
            inputs.push(pieces.collect());
            for parts in inputs {
                for (i, item) in decode(&parts).unwrap_or_default().iter().enumerate() {
                    assert!(check_der_framing(&item.der, i).is_ok(), "{path:?}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 100, "{checked} items");
    }

    /// ... and so does the whole encoding of any SEQUENCE the strict DER reader reads (the
    /// certificates of an OCSP response), at every offset of every file.
    #[test]
    fn every_sequence_the_der_reader_reads_is_framed() {
        let mut checked = 0;
        for (path, data) in corpus() {
            for at in 0..data.len() {
                if let Ok(tlv) = der::read(&data[at..]) {
                    if tlv.tag == 0x30 {
                        assert!(check_der_framing(tlv.raw, 0).is_ok(), "{path:?} at {at}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 1000, "{checked} sequences");
    }
}
