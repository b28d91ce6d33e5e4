//! The certificate view (RFC 5280). A `Certificate` owns the DER it was given and keeps
//! the byte ranges of its parts (TBS, SPKI, names, signature), so that pins and
//! signature checks use the bytes received, never a re-encoding. Everything that can
//! refuse a certificate is checked when it is parsed, and the facts a check decides on
//! (validity, extensions, key, the SHA-256 pin) are extracted then; the descriptive facts
//! (names as text, serial) and the names' comparison forms are computed on first use,
//! from parts already parsed.

use crate::error::{Error, Result};
use crate::pin::{hex, HashAlgorithm, Pin};
use crate::time::UnixTime;
use crate::x509::spki::{key_facts, KeyFacts};
use crate::x509::{name, oid};
use core::ops::Range;
use std::sync::OnceLock;
use x509_parser::asn1_rs::ToDer;
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer;
use x509_parser::x509::X509Name;

mod strict;

/// Extensions certpin recognises, so that a critical one does not make a certificate
/// unusable (RFC 5280 section 4.2): those it processes (basicConstraints, keyUsage,
/// subjectAltName, key identifiers) and those it knowingly leaves to the TLS stack
/// (extendedKeyUsage, nameConstraints, the policy extensions, CRL distribution points:
/// README "What certpin verifies"). Any other critical extension (authorityInfoAccess
/// among them: RFC 5280 section 4.2.2.1 requires it non-critical) makes the path
/// invalid unless `allowUnknownCriticalExtensions` is set.
pub const RECOGNISED_EXTENSIONS: &[&str] = &[
    "2.5.29.19", // basicConstraints
    "2.5.29.15", // keyUsage
    "2.5.29.17", // subjectAltName
    "2.5.29.14", // subjectKeyIdentifier
    "2.5.29.35", // authorityKeyIdentifier
    "2.5.29.37", // extendedKeyUsage (not enforced)
    "2.5.29.30", // nameConstraints (not enforced)
    "2.5.29.32", // certificatePolicies (not enforced)
    "2.5.29.33", // policyMappings (not enforced)
    "2.5.29.36", // policyConstraints (not enforced)
    "2.5.29.54", // inhibitAnyPolicy (not enforced)
    "2.5.29.31", // cRLDistributionPoints
    "2.5.29.46", // freshestCRL
];

/// A parsed certificate with its raw parts.
#[derive(Debug, Clone)]
pub struct Certificate {
    der: Vec<u8>,
    tbs: Range<usize>,
    spki: Range<usize>,
    subject: Range<usize>,
    issuer: Range<usize>,
    signature_algorithm: Range<usize>,
    signature: Range<usize>,
    serial: Range<usize>,
    /// The RFC 5280 section 7.1 comparison forms of subject and issuer
    /// (`name::comparison_form`), computed on first use.
    subject_form: OnceLock<Vec<u8>>,
    issuer_form: OnceLock<Vec<u8>>,
    /// Every fact read at parse; the descriptive ones (see `complete_facts`) are empty.
    parsed: Facts,
    /// `parsed` completed with the descriptive facts, on first use.
    facts: OnceLock<Facts>,
    /// The subject as text (the one descriptive fact a verdict's message reads), on
    /// first use.
    subject_text: OnceLock<String>,
    /// The SHA-256 pin, computed once: every check and verdict needs it.
    sha256_pin: Pin,
    /// `sha256_pin` as text (`sha256/<base64>`), for the verdict's `servedPins`.
    sha256_pin_text: String,
}

/// What certpin reads from a certificate, extracted once: at parse, or on the first call of
/// [`Certificate::facts`] for the descriptive facts (names as text, serial).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub version: u32,
    pub serial_hex: String,
    pub subject: String,
    pub issuer: String,
    pub subject_common_names: Vec<String>,
    /// Whole seconds (certificate times have no fractions).
    pub not_before: UnixTime,
    pub not_after: UnixTime,
    /// dNSName entries, as written in the certificate.
    pub dns_names: Vec<String>,
    /// iPAddress entries as raw octets (4 or 16 bytes).
    pub ip_addresses: Vec<Vec<u8>>,
    /// True when a subjectAltName extension is present (even if empty of names).
    pub has_san: bool,
    pub is_ca: bool,
    pub path_len_constraint: Option<u32>,
    /// The keyUsage bits when the extension is present (bit 0 = digitalSignature,
    /// bit 5 = keyCertSign, as x509-parser numbers them).
    pub key_usage: Option<u16>,
    pub subject_key_id: Option<Vec<u8>>,
    pub authority_key_id: Option<Vec<u8>>,
    pub key: KeyFacts,
    pub signature_algorithm_oid: String,
    /// The signature algorithm's parameters (DER), for RSA-PSS.
    pub signature_algorithm_params: Option<Vec<u8>>,
    /// OIDs of the critical extensions not in [`RECOGNISED_EXTENSIONS`].
    pub unknown_critical_extensions: Vec<String>,
}

const KEY_CERT_SIGN: u16 = 1 << 5;

impl Certificate {
    /// Parses one DER certificate; `cert_index` is its position in the input, for errors.
    pub fn from_der(der: Vec<u8>, cert_index: usize) -> Result<Certificate> {
        crate::input::check_der_framing(&der, cert_index)?;
        Certificate::from_framed_der(der, cert_index)
    }

    /// [`Certificate::from_der`] for bytes whose framing is already checked: one DER
    /// SEQUENCE with a minimal definite length and no trailing bytes, which
    /// `crate::input::check_der_framing` would pass. So are every item of
    /// `crate::input::decode` (it checks each) and the whole encoding (`raw`) of a
    /// SEQUENCE read by `crate::input::der::read`. Checking them again could only pass.
    pub(crate) fn from_framed_der(der: Vec<u8>, cert_index: usize) -> Result<Certificate> {
        let malformed = |reason: String| Error::CertMalformed { cert_index, reason };
        let (rest, x509) =
            X509Certificate::from_der(&der).map_err(|e| malformed(format!("{e}")))?;
        if !rest.is_empty() {
            return Err(Error::DerMalformed {
                cert_index,
                offset: der.len() - rest.len(),
                reason: "trailing bytes after the certificate".into(),
            });
        }
        let range = |part: &[u8]| -> Result<Range<usize>> {
            let start = (part.as_ptr() as usize).wrapping_sub(der.as_ptr() as usize);
            let end = start.wrapping_add(part.len());
            if start <= der.len() && end <= der.len() && start <= end {
                Ok(start..end)
            } else {
                Err(malformed(
                    "internal: a part lies outside the certificate".into(),
                ))
            }
        };
        let tbs = range(x509.tbs_certificate.as_ref())?;
        let spki = range(x509.public_key().raw)?;
        let subject = range(x509.subject().as_raw())?;
        let issuer = range(x509.issuer().as_raw())?;
        // x509-parser reads a Name's RDNs until one does not parse, and its raw Name ends
        // there: whatever follows inside the SEQUENCE (a NULL, a broken RDN) would be
        // ignored by every comparison and text. A Name is RDNs to its end (RFC 5280
        // section 4.1.2.4), as DER reads it.
        for (field, part) in [("issuer", &issuer), ("subject", &subject)] {
            let whole = der
                .get(part.start..)
                .and_then(|at| crate::input::der::read(at).ok())
                .map(|t| t.raw.len());
            if whole != Some(part.len()) {
                return Err(malformed(format!(
                    "{field}: the Name holds bytes after its last RelativeDistinguishedName that are not one"
                )));
            }
        }
        let serial = range(x509.raw_serial())?;
        let signature = range(x509.signature_value.data.as_ref())?;
        let signature_algorithm = {
            // The outer AlgorithmIdentifier is the DER between the TBS and the BIT STRING,
            // which x509-parser has just read: its SEQUENCE's length is its extent (read
            // again by x509-parser only if certpin's strict reader refuses the header).
            let after_tbs = tbs.end;
            let after = der.get(after_tbs..).unwrap_or_default();
            let len = match crate::input::der::read(after) {
                Ok(t) if t.tag == 0x30 => t.raw.len(),
                _ => {
                    let (rest_after_alg, _) =
                        x509_parser::x509::AlgorithmIdentifier::from_der(after)
                            .map_err(|e| malformed(format!("signature algorithm: {e}")))?;
                    after.len() - rest_after_alg.len()
                }
            };
            after_tbs..after_tbs + len
        };
        if x509.signature_algorithm != x509.tbs_certificate.signature {
            return Err(malformed(
                "the outer signature algorithm differs from the one inside the TBS certificate (RFC 5280 section 4.1.1.2)".into(),
            ));
        }
        strict::check_tbs(x509.tbs_certificate.as_ref()).map_err(malformed)?;
        let parsed = extract_facts(&x509, cert_index)?;
        let sha256_pin = Pin::of_spki(
            HashAlgorithm::Sha256,
            der.get(spki.clone()).unwrap_or_default(),
        );
        Ok(Certificate {
            sha256_pin_text: sha256_pin.to_string(),
            sha256_pin,
            tbs,
            spki,
            subject,
            issuer,
            signature_algorithm,
            signature,
            serial,
            subject_form: OnceLock::new(),
            issuer_form: OnceLock::new(),
            parsed,
            facts: OnceLock::new(),
            subject_text: OnceLock::new(),
            der,
        })
    }

    /// The whole certificate, as received.
    pub fn der(&self) -> &[u8] {
        &self.der
    }
    /// The DER `TBSCertificate`: the bytes the issuer signed.
    pub fn tbs_der(&self) -> &[u8] {
        self.der.get(self.tbs.clone()).unwrap_or_default()
    }
    /// The DER `SubjectPublicKeyInfo`, as received: what a pin hashes.
    pub fn spki_der(&self) -> &[u8] {
        self.der.get(self.spki.clone()).unwrap_or_default()
    }
    /// The DER subject Name.
    pub fn subject_der(&self) -> &[u8] {
        self.der.get(self.subject.clone()).unwrap_or_default()
    }
    /// The DER issuer Name.
    pub fn issuer_der(&self) -> &[u8] {
        self.der.get(self.issuer.clone()).unwrap_or_default()
    }
    /// The DER outer signature `AlgorithmIdentifier`.
    pub fn signature_algorithm_der(&self) -> &[u8] {
        self.der
            .get(self.signature_algorithm.clone())
            .unwrap_or_default()
    }
    /// The signature bits.
    pub fn signature(&self) -> &[u8] {
        self.der.get(self.signature.clone()).unwrap_or_default()
    }
    /// What was read from the certificate.
    #[inline(never)]
    pub fn facts(&self) -> &Facts {
        self.facts.get_or_init(|| self.complete_facts())
    }
    /// [`Certificate::facts`]' `subject`, without computing the other descriptive facts.
    #[inline(never)]
    pub fn subject_text(&self) -> &str {
        self.subject_text.get_or_init(|| {
            // The empty text is never used (see `name_at`).
            self.name_at(&self.subject)
                .map(|n| name::rfc4514(&n))
                .unwrap_or_default()
        })
    }
    /// [`Certificate::facts`]' `not_before`, without computing the descriptive facts.
    pub fn not_before(&self) -> UnixTime {
        self.parsed.not_before
    }
    /// [`Certificate::facts`]' `not_after`, without computing the descriptive facts.
    pub fn not_after(&self) -> UnixTime {
        self.parsed.not_after
    }
    /// [`Certificate::facts`]' `dns_names`, without computing the descriptive facts.
    pub fn dns_names(&self) -> &[String] {
        &self.parsed.dns_names
    }
    /// [`Certificate::facts`]' `ip_addresses`, without computing the descriptive facts.
    pub fn ip_addresses(&self) -> &[Vec<u8>] {
        &self.parsed.ip_addresses
    }
    /// [`Certificate::facts`]' `has_san`, without computing the descriptive facts.
    pub fn has_san(&self) -> bool {
        self.parsed.has_san
    }
    /// [`Certificate::facts`]' `path_len_constraint`, without computing the descriptive
    /// facts.
    pub fn path_len_constraint(&self) -> Option<u32> {
        self.parsed.path_len_constraint
    }
    /// [`Certificate::facts`]' `subject_key_id`, without computing the descriptive facts.
    pub fn subject_key_id(&self) -> Option<&[u8]> {
        self.parsed.subject_key_id.as_deref()
    }
    /// [`Certificate::facts`]' `authority_key_id`, without computing the descriptive
    /// facts.
    pub fn authority_key_id(&self) -> Option<&[u8]> {
        self.parsed.authority_key_id.as_deref()
    }
    /// [`Certificate::facts`]' `key`, without computing the descriptive facts.
    pub fn key(&self) -> &KeyFacts {
        &self.parsed.key
    }
    /// [`Certificate::facts`]' `signature_algorithm_oid`, without computing the
    /// descriptive facts.
    pub fn signature_algorithm_oid(&self) -> &str {
        &self.parsed.signature_algorithm_oid
    }
    /// [`Certificate::facts`]' `signature_algorithm_params`, without computing the
    /// descriptive facts.
    pub fn signature_algorithm_params(&self) -> Option<&[u8]> {
        self.parsed.signature_algorithm_params.as_deref()
    }
    /// [`Certificate::facts`]' `unknown_critical_extensions`, without computing the
    /// descriptive facts.
    pub fn unknown_critical_extensions(&self) -> &[String] {
        &self.parsed.unknown_critical_extensions
    }
    /// `parsed` with the descriptive facts filled in: `serial_hex`, `subject`, `issuer`
    /// and `subject_common_names`. Each is a pure function of a part the parse already
    /// read successfully (the serial's INTEGER, the subject and issuer Names) and none
    /// can fail, so computing it on first use changes no answer, and a check that reads
    /// none of them (pins only) never pays for them.
    fn complete_facts(&self) -> Facts {
        // The empty values are never used (see `name_at`).
        let subject = self.name_at(&self.subject);
        let issuer = self.name_at(&self.issuer);
        Facts {
            serial_hex: serial_hex(self.der.get(self.serial.clone()).unwrap_or_default()),
            subject: self.subject_text().to_owned(),
            issuer: issuer.as_ref().map(name::rfc4514).unwrap_or_default(),
            subject_common_names: subject
                .as_ref()
                .map(|s| {
                    s.iter_common_name()
                        .filter_map(|cn| cn.as_str().ok().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            ..self.parsed.clone()
        }
    }
    /// The comparison form of a Name of this certificate, on first use.
    #[inline(never)]
    fn form<'a>(&'a self, cell: &'a OnceLock<Vec<u8>>, range: &Range<usize>) -> &'a [u8] {
        cell.get_or_init(|| match self.name_at(range) {
            Some(n) => name::comparison_form(&n),
            // Never taken (see `name_at`); a form no comparison form equals (those start
            // with `{`), so that such a name would match none.
            None => [&[0xff], self.der.get(range.clone()).unwrap_or_default()].concat(),
        })
    }
    /// The subject or issuer Name whose raw bytes are `range`, read again by the function
    /// the parse read it with, from the same position: so it reads the same Name (and
    /// never fails; the parse refused a Name holding anything after its last RDN).
    fn name_at(&self, range: &Range<usize>) -> Option<X509Name<'_>> {
        let from = self.der.get(range.start..).unwrap_or_default();
        X509Name::from_der(from).ok().map(|(_, n)| n)
    }
    fn subject_form(&self) -> &[u8] {
        self.form(&self.subject_form, &self.subject)
    }
    fn issuer_form(&self) -> &[u8] {
        self.form(&self.issuer_form, &self.issuer)
    }
    /// The pin of this certificate's key.
    pub fn pin(&self, algorithm: HashAlgorithm) -> Pin {
        match algorithm {
            HashAlgorithm::Sha256 => self.sha256_pin.clone(),
            _ => Pin::of_spki(algorithm, self.spki_der()),
        }
    }
    /// Whether `pin` names this certificate's key (SHA-256 pins are compared with the one
    /// kept, without a copy).
    pub fn has_pin(&self, pin: &Pin) -> bool {
        match pin.algorithm() {
            HashAlgorithm::Sha256 => self.sha256_pin == *pin,
            algorithm => Pin::of_spki(algorithm, self.spki_der()) == *pin,
        }
    }
    /// The SHA-256 pin as text, `sha256/<base64>`.
    pub fn sha256_pin_text(&self) -> &str {
        &self.sha256_pin_text
    }
    /// SHA-256 of the whole DER, lowercase hex.
    pub fn fingerprint_sha256(&self) -> String {
        hex(&HashAlgorithm::Sha256.hash(&self.der))
    }
    /// Subject and issuer are the same name (RFC 5280 section 7.1 comparison).
    pub fn is_self_issued(&self) -> bool {
        self.subject_form() == self.issuer_form()
    }
    /// This certificate's subject is `child`'s issuer name (RFC 5280 section 7.1).
    pub fn subject_names_issuer_of(&self, child: &Certificate) -> bool {
        self.subject_form() == child.issuer_form()
    }
    /// Self-issued, and its key identifiers (when both are present) name its own key.
    /// This is a structural test; the signature check belongs to path building.
    pub fn looks_self_signed(&self) -> bool {
        self.is_self_issued()
            && match (&self.parsed.subject_key_id, &self.parsed.authority_key_id) {
                (Some(ski), Some(aki)) => ski == aki,
                _ => true,
            }
    }
    /// keyUsage asserts keyCertSign but cA is not set (RFC 5280 section 4.2.1.9 forbids it).
    pub fn key_cert_sign_without_ca(&self) -> bool {
        !self.parsed.is_ca
            && self
                .parsed
                .key_usage
                .is_some_and(|ku| ku & KEY_CERT_SIGN != 0)
    }
    /// The certificate may sign certificates: cA is set, and keyCertSign is set when
    /// keyUsage is present (RFC 5280 section 4.2.1.9 and 4.2.1.3).
    pub fn can_sign_certificates(&self) -> bool {
        self.parsed.is_ca
            && self
                .parsed
                .key_usage
                .is_none_or(|ku| ku & KEY_CERT_SIGN != 0)
    }
    /// Valid at `now` (a whole second), both bounds inclusive (RFC 5280 4.1.2.5).
    pub fn is_valid_at(&self, now: UnixTime) -> bool {
        self.parsed.not_before <= now && now <= self.parsed.not_after
    }
}

/// The facts read at parse (the descriptive ones left empty), and every refusal.
fn extract_facts(x509: &X509Certificate<'_>, cert_index: usize) -> Result<Facts> {
    let malformed = |reason: String| Error::CertMalformed { cert_index, reason };
    let tbs = &x509.tbs_certificate;
    // Compared as DER OID bytes: a certificate has a handful of extensions, and this runs
    // for every certificate parsed.
    let mut seen: Vec<&[u8]> = Vec::with_capacity(tbs.extensions().len());
    for ext in tbs.extensions() {
        let oid = ext.oid.as_bytes();
        if seen.contains(&oid) {
            return Err(malformed(format!(
                "extension {} appears twice (RFC 5280 section 4.2 forbids it)",
                ext.oid.to_id_string()
            )));
        }
        seen.push(oid);
    }
    let mut facts = Facts {
        version: tbs.version.0 + 1,
        serial_hex: String::new(),
        subject: String::new(),
        issuer: String::new(),
        subject_common_names: Vec::new(),
        not_before: UnixTime::from_seconds(x509.validity().not_before.timestamp()),
        not_after: UnixTime::from_seconds(x509.validity().not_after.timestamp()),
        dns_names: vec![],
        ip_addresses: vec![],
        has_san: false,
        is_ca: false,
        path_len_constraint: None,
        key_usage: None,
        subject_key_id: None,
        authority_key_id: None,
        key: key_facts(x509.public_key()),
        signature_algorithm_oid: oid::text(&x509.signature_algorithm.algorithm).into_owned(),
        signature_algorithm_params: x509
            .signature_algorithm
            .parameters
            .as_ref()
            .map(|p| p.to_der_vec_raw())
            .transpose()
            .map_err(|e| malformed(format!("signature algorithm parameters: {e}")))?,
        unknown_critical_extensions: tbs
            .extensions()
            .iter()
            .filter(|e| e.critical)
            .map(|e| oid::text(&e.oid))
            .filter(|oid| !RECOGNISED_EXTENSIONS.contains(&oid.as_ref()))
            .map(|oid| oid.into_owned())
            .collect(),
    };
    for ext in tbs.extensions() {
        match ext.parsed_extension() {
            ParsedExtension::SubjectAlternativeName(san) => {
                facts.has_san = true;
                for name in &san.general_names {
                    match name {
                        GeneralName::DNSName(d) => facts.dns_names.push((*d).to_owned()),
                        GeneralName::IPAddress(ip) => facts.ip_addresses.push(ip.to_vec()),
                        _ => {}
                    }
                }
            }
            ParsedExtension::BasicConstraints(bc) => {
                facts.is_ca = bc.ca;
                facts.path_len_constraint = bc.path_len_constraint;
            }
            ParsedExtension::KeyUsage(ku) => facts.key_usage = Some(ku.flags),
            ParsedExtension::SubjectKeyIdentifier(id) => facts.subject_key_id = Some(id.0.to_vec()),
            ParsedExtension::AuthorityKeyIdentifier(aki) => {
                facts.authority_key_id = aki.key_identifier.as_ref().map(|id| id.0.to_vec());
            }
            ParsedExtension::ParseError { error } => {
                return Err(malformed(format!(
                    "extension {} is malformed: {error}",
                    ext.oid.to_id_string()
                )))
            }
            _ => {}
        }
    }
    Ok(facts)
}

fn serial_hex(raw: &[u8]) -> String {
    // The INTEGER's content without its sign-padding zero bytes, as OpenSSL and Node print it.
    let trimmed: &[u8] = match raw.iter().position(|b| *b != 0) {
        Some(i) => raw.get(i..).unwrap_or_default(),
        None => &[0],
    };
    hex(trimmed)
}

/// The OpenSSL name of a signature algorithm OID (as `openssl x509 -text` prints it),
/// or the dotted OID when certpin does not know it.
pub fn signature_algorithm_name(oid: &str) -> String {
    match oid {
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.14" => "sha224WithRSAEncryption",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "rsassaPss",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.1" => "ecdsa-with-SHA224",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.3.101.112" => "ED25519",
        "1.3.101.113" => "ED448",
        other => return other.to_string(),
    }
    .to_string()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    /// x509-parser reads a Name's RDNs until one does not parse and ignores the rest of
    /// its SEQUENCE: a certificate whose issuer or subject holds anything after its last
    /// RDN is refused, not read as the shorter Name.
    #[test]
    fn names_with_trailing_content_are_refused() {
        use crate::input::der::{read, write};
        let pem = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/bench/fixtures/ec-leaf.pem"
        ))
        .unwrap();
        let der = crate::input::decode(&[crate::input::Part::Text(pem)])
            .unwrap()
            .remove(0)
            .der;
        let outer = read(&der).unwrap();
        let tbs = read(outer.content).unwrap();
        let mut fields = Vec::new();
        let mut rest = tbs.content;
        while !rest.is_empty() {
            let t = read(rest).unwrap();
            fields.push(t);
            rest = t.rest;
        }
        assert!(Certificate::from_der(der.clone(), 0).is_ok());
        // version, serial, signature, issuer (3), validity, subject (5), ...
        for (changed_field, name) in [(3, "issuer"), (5, "subject")] {
            for tail in [&[0x05, 0x00][..], &[0x31, 0x02, 0x05, 0x00], &[0x31, 0x00]] {
                let mut new_tbs = Vec::new();
                for (i, field) in fields.iter().enumerate() {
                    if i == changed_field {
                        let mut content = field.content.to_vec();
                        content.extend_from_slice(tail);
                        write(&mut new_tbs, 0x30, &content);
                    } else {
                        new_tbs.extend_from_slice(field.raw);
                    }
                }
                let mut body = Vec::new();
                write(&mut body, 0x30, &new_tbs);
                body.extend_from_slice(tbs.rest);
                let mut changed = Vec::new();
                write(&mut changed, 0x30, &body);
                match Certificate::from_der(changed, 0) {
                    Err(Error::CertMalformed { reason, .. }) => {
                        assert!(reason.starts_with(name), "{name} {tail:02x?}: {reason}")
                    }
                    other => panic!("{name} {tail:02x?}: {other:?}"),
                }
            }
        }
    }

    /// Every certificate of the repository (test fixtures, fuzz corpora, bench fixtures;
    /// plus those under the directories of `CERTPIN_EXTRA_CERT_DIRS`, `:`-separated):
    /// what the certificate answers (facts read at parse and on first use, name forms,
    /// raw parts) is what one full x509-parser parse of it gives.
    #[test]
    fn facts_on_first_use_are_those_of_the_full_parse() {
        fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    files(&path, out);
                } else {
                    out.push(path);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut paths = Vec::new();
        for dir in ["tests", "fuzz/corpus", "bench/fixtures"] {
            files(&root.join(dir), &mut paths);
        }
        for dir in std::env::var("CERTPIN_EXTRA_CERT_DIRS")
            .unwrap_or_default()
            .split(':')
        {
            if !dir.is_empty() {
                files(std::path::Path::new(dir), &mut paths);
            }
        }
        let mut compared = 0;
        for path in paths {
            let bytes = std::fs::read(&path).unwrap();
            let Ok(items) = crate::input::decode(&[crate::input::Part::Bytes(bytes)]) else {
                continue;
            };
            for item in items {
                let Ok(cert) = Certificate::from_der(item.der.clone(), 0) else {
                    continue;
                };
                let (_, x509) = X509Certificate::from_der(&item.der).unwrap();
                let mut eager = extract_facts(&x509, 0).unwrap();
                eager.serial_hex = serial_hex(x509.raw_serial());
                eager.subject = name::rfc4514(x509.subject());
                eager.issuer = name::rfc4514(x509.issuer());
                eager.subject_common_names = x509
                    .subject()
                    .iter_common_name()
                    .filter_map(|cn| cn.as_str().ok().map(str::to_owned))
                    .collect();
                let at = path.display();
                assert_eq!(cert.subject_text(), eager.subject, "{at}");
                assert_eq!(cert.facts(), &eager, "{at}");
                assert_eq!(
                    cert.subject_form(),
                    name::comparison_form(x509.subject()),
                    "{at}"
                );
                assert_eq!(
                    cert.issuer_form(),
                    name::comparison_form(x509.issuer()),
                    "{at}"
                );
                assert_eq!(cert.signature(), x509.signature_value.data.as_ref(), "{at}");
                let (after_alg, _) =
                    x509_parser::x509::AlgorithmIdentifier::from_der(&item.der[cert.tbs.end..])
                        .unwrap();
                assert_eq!(
                    cert.signature_algorithm,
                    cert.tbs.end..item.der.len() - after_alg.len(),
                    "{at}"
                );
                compared += 1;
            }
        }
        assert!(compared > 50, "{compared} certificates compared");
    }

    #[test]
    fn serials() {
        assert_eq!(serial_hex(&[0x00, 0xa1, 0x02]), "a102");
        assert_eq!(serial_hex(&[0x00]), "00");
        assert_eq!(serial_hex(&[0x10]), "10");
    }
}
