//! Embedded SCTs (RFC 6962 section 3.3): the SCT list extension read from a leaf's TBS
//! DER, the precertificate TBS rebuilt from it (section 3.2: the leaf's TBS without
//! that extension), and the `digitally-signed` input a log signed.

use crate::limits::MAX_SCTS_PER_CERTIFICATE;
use crate::time::UnixTime;

/// DER of the extnID 1.3.6.1.4.1.11129.2.4.2 (the embedded SCT list), tag and length
/// included.
const SCT_LIST_OID: &[u8] = &[
    0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xd6, 0x79, 0x02, 0x04, 0x02,
];

/// One SignedCertificateTimestamp (RFC 6962 section 3.2), as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sct {
    /// `sct_version`: 0 is v1, the only version defined.
    pub version: u8,
    /// SHA-256 of the log's SubjectPublicKeyInfo.
    pub log_id: [u8; 32],
    /// Milliseconds since the epoch, as the SCT encodes them (see [`Sct::timestamp`]).
    pub timestamp_ms: u64,
    /// `CtExtensions`, verbatim (signed as they are).
    pub extensions: Vec<u8>,
    /// TLS `HashAlgorithm` (4 = SHA-256).
    pub hash_algorithm: u8,
    /// TLS `SignatureAlgorithm` (1 = RSA, 3 = ECDSA).
    pub signature_algorithm: u8,
    pub signature: Vec<u8>,
}

impl Sct {
    /// The instant the log signed this SCT (a timestamp beyond the range of `i64`
    /// milliseconds counts as the latest instant).
    pub fn timestamp(&self) -> UnixTime {
        UnixTime::from_millis(i64::try_from(self.timestamp_ms).unwrap_or(i64::MAX))
    }

    /// `ecdsa-sha256`, `rsa-sha256`, or the two TLS codes for others (`0x0502`).
    pub fn signature_algorithm_name(&self) -> String {
        match (self.hash_algorithm, self.signature_algorithm) {
            (4, 3) => "ecdsa-sha256".into(),
            (4, 1) => "rsa-sha256".into(),
            (h, s) => format!("0x{h:02x}{s:02x}"),
        }
    }
}

/// What a leaf's TBS holds for CT: the SCTs of its SCT-list extension (empty when it has
/// none) and the precertificate TBS they were signed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embedded {
    pub scts: Vec<Sct>,
    /// The TBS with the SCT-list extension removed and every enclosing length fixed.
    pub precert_tbs: Vec<u8>,
}

/// Reads the embedded SCTs of a TBSCertificate DER. `Ok(None)` when it has no SCT-list
/// extension; `Err` says what is malformed (two SCT-list extensions, broken DER, a
/// broken TLS list, trailing bytes anywhere): such a certificate has no usable SCT.
pub fn embedded(tbs_der: &[u8]) -> Result<Option<Embedded>, String> {
    let tbs = crate::input::der::read(tbs_der).map_err(|_| "the TBS certificate is not DER")?;
    if tbs.tag != 0x30 || !tbs.rest.is_empty() {
        return Err("the TBS certificate is not one DER SEQUENCE".into());
    }
    // The fields before the extensions, kept verbatim.
    let mut head: Vec<u8> = Vec::with_capacity(tbs.content.len());
    let mut input = tbs.content;
    let mut extensions = None;
    while !input.is_empty() {
        let field = crate::input::der::read(input).map_err(|_| "a TBS field is not DER")?;
        input = field.rest;
        if field.tag == 0xa3 {
            if !input.is_empty() {
                return Err("fields follow the extensions in the TBS certificate".into());
            }
            extensions = Some(field.content);
        } else {
            head.extend_from_slice(field.raw);
        }
    }
    let Some(wrapped) = extensions else {
        return Ok(None);
    };
    let list = crate::input::der::read(wrapped).map_err(|_| "the extensions are not DER")?;
    if list.tag != 0x30 || !list.rest.is_empty() {
        return Err("the extensions field is not one SEQUENCE".into());
    }
    let mut kept: Vec<u8> = Vec::with_capacity(list.content.len());
    let mut sct_value: Option<&[u8]> = None;
    let mut input = list.content;
    while !input.is_empty() {
        let extension = crate::input::der::read(input).map_err(|_| "an extension is not DER")?;
        input = extension.rest;
        if extension.tag != 0x30 {
            return Err("an extension is not a SEQUENCE".into());
        }
        if !extension.content.starts_with(SCT_LIST_OID) {
            kept.extend_from_slice(extension.raw);
            continue;
        }
        if sct_value.is_some() {
            return Err(
                "the certificate has two SCT list extensions (RFC 5280 4.2: an extension appears at most once)"
                    .into(),
            );
        }
        sct_value = Some(extension_value(extension.content)?);
    }
    let Some(value) = sct_value else {
        return Ok(None);
    };
    let scts = parse_sct_list(value)?;
    let mut body = head;
    if !kept.is_empty() {
        let mut sequence = Vec::with_capacity(kept.len() + 4);
        crate::input::der::write(&mut sequence, 0x30, &kept);
        crate::input::der::write(&mut body, 0xa3, &sequence);
    }
    let mut precert_tbs = Vec::with_capacity(body.len() + 4);
    crate::input::der::write(&mut precert_tbs, 0x30, &body);
    Ok(Some(Embedded { scts, precert_tbs }))
}

/// The extnValue of an Extension body `extnID [critical] extnValue`, with the extnID
/// already known to be the SCT list's: the OCTET STRING inside the OCTET STRING.
fn extension_value(body: &[u8]) -> Result<&[u8], String> {
    let oid = crate::input::der::read(body).map_err(|_| "the SCT extension is not DER")?;
    let mut next =
        crate::input::der::read(oid.rest).map_err(|_| "the SCT extension has no value")?;
    if next.tag == 0x01 {
        next = crate::input::der::read(next.rest).map_err(|_| "the SCT extension has no value")?;
    }
    if next.tag != 0x04 || !next.rest.is_empty() {
        return Err("the SCT extension's value is not one OCTET STRING".into());
    }
    let inner = crate::input::der::read(next.content)
        .map_err(|_| "the SCT list is not a DER OCTET STRING")?;
    if inner.tag != 0x04 || !inner.rest.is_empty() {
        return Err("the SCT list is not one DER OCTET STRING".into());
    }
    Ok(inner.content)
}

/// A big-endian reader over TLS bytes.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let Some((head, rest)) = self.0.split_at_checked(n) else {
            return Err("the SCT list is truncated".into());
        };
        self.0 = rest;
        Ok(head)
    }
    fn uint(&mut self, n: usize) -> Result<u64, String> {
        Ok(self
            .take(n)?
            .iter()
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }
    fn vector(&mut self, length_bytes: usize) -> Result<&'a [u8], String> {
        let len = self.uint(length_bytes)?;
        self.take(usize::try_from(len).map_err(|_| "a length is too large".to_string())?)
    }
}

/// `SignedCertificateTimestampList` (RFC 6962 section 3.3): a u16-length list of
/// u16-length serialized SCTs, nothing after it, at least one SCT.
pub fn parse_sct_list(bytes: &[u8]) -> Result<Vec<Sct>, String> {
    let mut outer = Reader(bytes);
    let list = outer.vector(2)?;
    if !outer.0.is_empty() {
        return Err("trailing bytes after the SCT list".into());
    }
    let mut items = Reader(list);
    let mut scts = Vec::new();
    while !items.0.is_empty() {
        if scts.len() == MAX_SCTS_PER_CERTIFICATE {
            return Err(format!(
                "more than {MAX_SCTS_PER_CERTIFICATE} SCTs in one certificate"
            ));
        }
        let serialized = items.vector(2)?;
        scts.push(parse_sct(serialized)?);
    }
    if scts.is_empty() {
        return Err("the SCT list is empty (RFC 6962 3.3 requires at least one)".into());
    }
    Ok(scts)
}

fn parse_sct(bytes: &[u8]) -> Result<Sct, String> {
    let mut r = Reader(bytes);
    let version = r.take(1)?.first().copied().unwrap_or(0);
    if version != 0 {
        // Its layout is unknown: keep the version so the SCT is reported, not counted.
        return Ok(Sct {
            version,
            log_id: [0; 32],
            timestamp_ms: 0,
            extensions: vec![],
            hash_algorithm: 0,
            signature_algorithm: 0,
            signature: vec![],
        });
    }
    let mut log_id = [0u8; 32];
    log_id.copy_from_slice(r.take(32)?);
    let timestamp_ms = r.uint(8)?;
    let extensions = r.vector(2)?.to_vec();
    let hash_algorithm = r.take(1)?.first().copied().unwrap_or(0);
    let signature_algorithm = r.take(1)?.first().copied().unwrap_or(0);
    let signature = r.vector(2)?.to_vec();
    if !r.0.is_empty() {
        return Err("trailing bytes after an SCT's signature".into());
    }
    Ok(Sct {
        version,
        log_id,
        timestamp_ms,
        extensions,
        hash_algorithm,
        signature_algorithm,
        signature,
    })
}

/// The `digitally-signed` input of an embedded SCT (RFC 6962 section 3.2):
/// sct_version, signature_type certificate_timestamp (0), timestamp, entry_type
/// precert_entry (u16 1), issuer_key_hash, u24-length precert TBS, u16-length
/// extensions.
pub fn signed_data(sct: &Sct, issuer_key_hash: &[u8; 32], precert_tbs: &[u8]) -> Option<Vec<u8>> {
    let tbs_len = u32::try_from(precert_tbs.len())
        .ok()
        .filter(|l| *l < 1 << 24)?;
    let ext_len = u16::try_from(sct.extensions.len()).ok()?;
    let mut out = Vec::with_capacity(precert_tbs.len() + sct.extensions.len() + 50);
    out.push(sct.version);
    out.push(0);
    out.extend_from_slice(&sct.timestamp_ms.to_be_bytes());
    out.extend_from_slice(&[0, 1]);
    out.extend_from_slice(issuer_key_hash);
    out.extend_from_slice(tbs_len.to_be_bytes().get(1..).unwrap_or_default());
    out.extend_from_slice(precert_tbs);
    out.extend_from_slice(&ext_len.to_be_bytes());
    out.extend_from_slice(&sct.extensions);
    Some(out)
}
