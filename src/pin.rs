//! Pins (RFC 7469 section 2.4): a hash of the DER `SubjectPublicKeyInfo`. Parsed once
//! into `Pin { algorithm, digest }` with the digest length checked; compared as bytes.
//! The TLSA forms follow RFC 6698 section 2.1 (selector 1 = SPKI).

use crate::error::{Error, Result};
use crate::limits::MAX_PIN_TEXT;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use core::fmt;
use core::str::FromStr;
use sha2::Digest as _;

/// The hash of a pin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HashAlgorithm {
    Sha256,
    Sha384,
    Sha512,
}

impl HashAlgorithm {
    /// The name used in pins and options: `sha256`, `sha384`, `sha512`.
    pub fn name(self) -> &'static str {
        match self {
            HashAlgorithm::Sha256 => "sha256",
            HashAlgorithm::Sha384 => "sha384",
            HashAlgorithm::Sha512 => "sha512",
        }
    }

    /// The digest length in bytes.
    pub fn digest_len(self) -> usize {
        match self {
            HashAlgorithm::Sha256 => 32,
            HashAlgorithm::Sha384 => 48,
            HashAlgorithm::Sha512 => 64,
        }
    }

    /// Hashes `data` with this algorithm.
    pub fn hash(self, data: &[u8]) -> Vec<u8> {
        match self {
            HashAlgorithm::Sha256 => sha2::Sha256::digest(data).to_vec(),
            HashAlgorithm::Sha384 => sha2::Sha384::digest(data).to_vec(),
            HashAlgorithm::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }

    fn from_digest_len(len: usize) -> Option<Self> {
        match len {
            32 => Some(HashAlgorithm::Sha256),
            48 => Some(HashAlgorithm::Sha384),
            64 => Some(HashAlgorithm::Sha512),
            _ => None,
        }
    }
}

impl FromStr for HashAlgorithm {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "sha256" | "sha-256" => Ok(HashAlgorithm::Sha256),
            "sha384" | "sha-384" => Ok(HashAlgorithm::Sha384),
            "sha512" | "sha-512" => Ok(HashAlgorithm::Sha512),
            _ => Err(Error::InvalidArgument {
                argument: "algorithm".into(),
                reason: format!("{s:?} is not one of sha256, sha384, sha512"),
            }),
        }
    }
}

/// The text forms a pin can be written in (README "Pin formats").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinFormat {
    Okhttp,
    Hpkp,
    Curl,
    Android,
    Trustkit,
    Tlsa,
    Hex,
    Base64,
    Base64url,
}

impl FromStr for PinFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "okhttp" => PinFormat::Okhttp,
            "hpkp" => PinFormat::Hpkp,
            "curl" => PinFormat::Curl,
            "android" => PinFormat::Android,
            "trustkit" => PinFormat::Trustkit,
            "tlsa" => PinFormat::Tlsa,
            "hex" => PinFormat::Hex,
            "base64" => PinFormat::Base64,
            "base64url" => PinFormat::Base64url,
            _ => {
                return Err(Error::InvalidArgument {
                    argument: "format".into(),
                    reason: format!(
                        "{s:?} is not one of okhttp, hpkp, curl, android, trustkit, tlsa, hex, base64, base64url"
                    ),
                })
            }
        })
    }
}

/// A pin: the hash algorithm and the digest of a DER `SubjectPublicKeyInfo`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pin {
    algorithm: HashAlgorithm,
    digest: Vec<u8>,
}

impl Pin {
    /// The pin of the exact SPKI bytes given (never a re-encoding).
    pub fn of_spki(algorithm: HashAlgorithm, spki_der: &[u8]) -> Pin {
        Pin {
            algorithm,
            digest: algorithm.hash(spki_der),
        }
    }

    /// Builds a pin from a digest, checking its length.
    pub fn from_digest(algorithm: HashAlgorithm, digest: Vec<u8>) -> Result<Pin> {
        if digest.len() != algorithm.digest_len() {
            return Err(Error::PinMalformed {
                pin: hex(&digest),
                reason: format!(
                    "a {} digest is {} bytes, this one is {}",
                    algorithm.name(),
                    algorithm.digest_len(),
                    digest.len()
                ),
            });
        }
        Ok(Pin { algorithm, digest })
    }

    pub fn algorithm(&self) -> HashAlgorithm {
        self.algorithm
    }

    pub fn digest(&self) -> &[u8] {
        &self.digest
    }

    /// Standard padded base64 of the digest.
    pub fn base64(&self) -> String {
        STANDARD.encode(&self.digest)
    }

    /// Lowercase hex of the digest.
    pub fn hex(&self) -> String {
        hex(&self.digest)
    }

    /// Parses a pin in any of the formats of `PinFormat`. A bare digest's algorithm is
    /// taken from its length; 64, 96 or 128 hex digits are read as hex (a base64
    /// digest made only of hex digits is vanishingly unlikely).
    pub fn parse(text: &str) -> Result<Pin> {
        let shown: String = text.chars().take(80).collect();
        let malformed = |reason: String| Error::PinMalformed {
            pin: shown.clone(),
            reason,
        };
        if text.len() > MAX_PIN_TEXT {
            return Err(malformed(format!(
                "{} characters is too long for a pin (at most {MAX_PIN_TEXT})",
                text.len()
            )));
        }
        let t = text.trim();
        if t.is_empty() {
            return Err(malformed("the pin is empty".into()));
        }
        // okhttp `sha256/…` and curl `sha256//…`
        for alg in [
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
            HashAlgorithm::Sha512,
        ] {
            let name = alg.name();
            if let Some(rest) = strip_prefix_ci(t, name).and_then(|r| r.strip_prefix('/')) {
                // A base64 digest may itself start with '/', so `sha256//…` is either
                // OkHttp's form of such a digest or curl's form; their lengths differ by
                // one character, so at most one reading has the right digest length.
                return match (Pin::from_base64(alg, rest), rest.strip_prefix('/')) {
                    (Ok(pin), _) => Ok(pin),
                    (Err(_), Some(curl)) => Pin::from_base64(alg, curl).map_err(malformed),
                    (Err(e), None) => Err(malformed(e)),
                };
            }
            // hpkp `pin-sha256="…"`
            if let Some(rest) = strip_prefix_ci(t, &format!("pin-{name}=")) {
                let b64 = rest
                    .strip_prefix('"')
                    .and_then(|r| r.strip_suffix('"'))
                    .ok_or_else(|| {
                        malformed("an HPKP pin's value must be in double quotes".into())
                    })?;
                return Pin::from_base64(alg, b64).map_err(malformed);
            }
        }
        if strip_prefix_ci(t, "sha1/").is_some() || strip_prefix_ci(t, "pin-sha1=").is_some() {
            return Err(malformed(
                "SHA-1 pins are not supported: compute a sha256 pin of the same key".into(),
            ));
        }
        if let Some(rest) = t.strip_prefix("<pin") {
            return parse_android(rest).map_err(malformed);
        }
        if t.split_ascii_whitespace().count() == 4 {
            return parse_tlsa(t).map_err(malformed);
        }
        parse_bare(t).map_err(malformed)
    }

    /// Writes the pin in `format`.
    pub fn format(&self, format: PinFormat) -> Result<String> {
        let only_sha256 = |name: &str| -> Result<()> {
            if self.algorithm == HashAlgorithm::Sha256 {
                Ok(())
            } else {
                Err(Error::FormatUnsupported {
                    format: name.into(),
                    reason: format!(
                        "{name} pins are SHA-256 only; this pin is {}",
                        self.algorithm.name()
                    ),
                })
            }
        };
        Ok(match format {
            PinFormat::Okhttp => self.to_string(),
            PinFormat::Hpkp => {
                // RFC 7469 defines only pin-sha256.
                only_sha256("hpkp")?;
                format!("pin-sha256=\"{}\"", self.base64())
            }
            PinFormat::Curl => {
                // curl's --pinnedpubkey takes sha256// hashes only.
                only_sha256("curl")?;
                format!("sha256//{}", self.base64())
            }
            PinFormat::Android => {
                // Android's <pin digest> accepts only SHA-256.
                only_sha256("android")?;
                format!("<pin digest=\"SHA-256\">{}</pin>", self.base64())
            }
            PinFormat::Trustkit => {
                only_sha256("trustkit")?;
                self.base64()
            }
            PinFormat::Tlsa => format!("3 1 {} {}", self.tlsa_matching_type()?, self.hex()),
            PinFormat::Hex => self.hex(),
            PinFormat::Base64 => self.base64(),
            PinFormat::Base64url => URL_SAFE_NO_PAD.encode(&self.digest),
        })
    }

    /// The TLSA matching type of this pin's hash (RFC 6698 section 2.1.3).
    pub fn tlsa_matching_type(&self) -> Result<u8> {
        match self.algorithm {
            HashAlgorithm::Sha256 => Ok(1),
            HashAlgorithm::Sha512 => Ok(2),
            HashAlgorithm::Sha384 => Err(Error::FormatUnsupported {
                format: "tlsa".into(),
                reason: "TLSA has matching types for SHA2-256 and SHA2-512 only".into(),
            }),
        }
    }

    fn from_base64(algorithm: HashAlgorithm, b64: &str) -> core::result::Result<Pin, String> {
        let digest = decode_base64_any(b64)?;
        if digest.len() != algorithm.digest_len() {
            return Err(format!(
                "a {} pin's digest is {} bytes, this one decodes to {} bytes (truncated or padded wrongly?)",
                algorithm.name(),
                algorithm.digest_len(),
                digest.len()
            ));
        }
        Ok(Pin { algorithm, digest })
    }
}

/// The canonical (OkHttp) form: `sha256/<standard padded base64>`.
impl fmt::Display for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.algorithm.name(), self.base64())
    }
}

impl FromStr for Pin {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Pin::parse(s)
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// Decodes standard or URL-safe base64, padded or not, but only canonically (no stray
/// bits): a pin is compared as bytes, so its text may be written either way.
fn decode_base64_any(s: &str) -> core::result::Result<Vec<u8>, String> {
    if s.is_empty() {
        return Err("the digest is empty".into());
    }
    let url_safe = s.contains(['-', '_']);
    if url_safe && s.contains(['+', '/']) {
        return Err("the base64 mixes the standard (+/) and URL-safe (-_) alphabets".into());
    }
    let unpadded = s.trim_end_matches('=');
    if s.len() - unpadded.len() > 2 || (s.len() != unpadded.len() && s.len() % 4 != 0) {
        return Err("the base64 padding is wrong".into());
    }
    let engine = if url_safe {
        URL_SAFE_NO_PAD
    } else {
        base64::engine::general_purpose::STANDARD_NO_PAD
    };
    engine
        .decode(unpadded.as_bytes())
        .map_err(|e| format!("invalid base64 ({e})"))
}

fn parse_android(rest: &str) -> core::result::Result<Pin, String> {
    // <pin digest="SHA-256">base64</pin>
    let rest = rest.trim_start();
    let rest = rest
        .strip_prefix("digest")
        .map(str::trim_start)
        .and_then(|r| r.strip_prefix('='))
        .map(str::trim_start)
        .ok_or("an Android pin reads <pin digest=\"SHA-256\">…</pin>")?;
    let (quote, rest) = match rest.chars().next() {
        Some(q @ ('"' | '\'')) => (q, rest.get(1..).unwrap_or_default()),
        _ => return Err("the digest attribute must be quoted".into()),
    };
    let (digest_name, rest) = rest
        .split_once(quote)
        .ok_or("unterminated digest attribute")?;
    if !digest_name.eq_ignore_ascii_case("SHA-256") {
        return Err(format!(
            "Android pins use digest=\"SHA-256\" only, not {digest_name:?}"
        ));
    }
    let b64 = rest
        .trim_start()
        .strip_prefix('>')
        .and_then(|r| r.strip_suffix("</pin>"))
        .ok_or("an Android pin ends with </pin>")?;
    Pin::from_base64(HashAlgorithm::Sha256, b64.trim())
}

fn parse_tlsa(t: &str) -> core::result::Result<Pin, String> {
    let fields: Vec<&str> = t.split_ascii_whitespace().collect();
    let [usage, selector, matching, data] = fields.as_slice() else {
        return Err("a TLSA record has four fields: usage selector matching-type data".into());
    };
    if !matches!(*usage, "0" | "1" | "2" | "3") {
        return Err(format!("TLSA certificate usage {usage:?} is not 0-3"));
    }
    if *selector != "1" {
        return Err(format!(
            "TLSA selector {selector:?} is not 1 (SubjectPublicKeyInfo): a selector-0 record pins the whole certificate, not a key"
        ));
    }
    let algorithm = match *matching {
        "1" => HashAlgorithm::Sha256,
        "2" => HashAlgorithm::Sha512,
        "0" => return Err("TLSA matching type 0 carries the full key, not a hash".into()),
        m => return Err(format!("TLSA matching type {m:?} is not 1 or 2")),
    };
    let digest = decode_hex(data)?;
    if digest.len() != algorithm.digest_len() {
        return Err(format!(
            "TLSA matching type {matching} needs a {}-byte digest, got {} bytes",
            algorithm.digest_len(),
            digest.len()
        ));
    }
    Ok(Pin { algorithm, digest })
}

fn parse_bare(t: &str) -> core::result::Result<Pin, String> {
    let no_colons: String = t.chars().filter(|c| *c != ':').collect();
    let looks_hex = no_colons.chars().all(|c| c.is_ascii_hexdigit())
        && matches!(no_colons.len(), 64 | 96 | 128)
        && (t.len() == no_colons.len() || t.split(':').all(|b| b.len() == 2));
    let digest = if looks_hex {
        decode_hex(&no_colons)
    } else {
        decode_base64_any(t)
    };
    digest
        .and_then(|digest| {
            HashAlgorithm::from_digest_len(digest.len())
                .map(|algorithm| Pin { algorithm, digest: digest.clone() })
                .ok_or_else(|| {
                    format!(
                        "the digest is {} bytes; a pin's digest is 32 (sha256), 48 (sha384) or 64 (sha512) bytes",
                        digest.len()
                    )
                })
        })
        .map_err(|reason| {
            format!(
                "{reason}; this is not a pin in any known form: sha256/<base64>, pin-sha256=\"<base64>\", \
                 sha256//<base64>, <pin digest=\"SHA-256\"><base64></pin>, bare base64 or hex, or a TLSA record"
            )
        })
}

fn decode_hex(s: &str) -> core::result::Result<Vec<u8>, String> {
    if s.len() % 2 != 0 {
        return Err("odd number of hex digits".into());
    }
    s.as_bytes()
        .chunks(2)
        .map(|pair| {
            let text = core::str::from_utf8(pair).map_err(|_| "invalid hex".to_string())?;
            u8::from_str_radix(text, 16).map_err(|_| format!("invalid hex digits {text:?}"))
        })
        .collect()
}

/// Lowercase hex, no separators.
pub fn hex(bytes: &[u8]) -> String {
    use fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    // The SPKI pin of tests/fixtures/ec-p256-leaf.pem is not needed here: these tests
    // are about text forms. The digest below is SHA-256("abc") (FIPS 180-2 appendix B.1):
    // ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    const ABC_HEX: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    // printf abc | openssl dgst -sha256 -binary | base64
    const ABC_B64: &str = "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=";

    fn abc() -> Pin {
        Pin::of_spki(HashAlgorithm::Sha256, b"abc")
    }

    #[test]
    fn hashing_matches_the_standard_vectors() {
        assert_eq!(abc().hex(), ABC_HEX);
        assert_eq!(abc().base64(), ABC_B64);
        // printf abc | openssl dgst -sha384 / -sha512
        assert!(Pin::of_spki(HashAlgorithm::Sha384, b"abc")
            .hex()
            .starts_with("cb00753f45a35e8b"));
        assert!(Pin::of_spki(HashAlgorithm::Sha512, b"abc")
            .hex()
            .starts_with("ddaf35a193617aba"));
    }

    #[test]
    fn every_format_parses_back_to_the_same_bytes() {
        let p = abc();
        let table = [
            (PinFormat::Okhttp, format!("sha256/{ABC_B64}")),
            (PinFormat::Hpkp, format!("pin-sha256=\"{ABC_B64}\"")),
            (PinFormat::Curl, format!("sha256//{ABC_B64}")),
            (
                PinFormat::Android,
                format!("<pin digest=\"SHA-256\">{ABC_B64}</pin>"),
            ),
            (PinFormat::Trustkit, ABC_B64.to_string()),
            (PinFormat::Tlsa, format!("3 1 1 {ABC_HEX}")),
            (PinFormat::Hex, ABC_HEX.to_string()),
            (PinFormat::Base64, ABC_B64.to_string()),
            (
                PinFormat::Base64url,
                "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0".to_string(),
            ),
        ];
        for (format, text) in table {
            assert_eq!(p.format(format).unwrap(), text, "{format:?}");
            assert_eq!(Pin::parse(&text).unwrap(), p, "{text}");
        }
    }

    #[test]
    fn lenient_spellings_of_the_same_pin() {
        let p = abc();
        for text in [
            "sha256/ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0",  // unpadded
            "SHA256/ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=", // upper-case algorithm
            "sha256/ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0",  // URL-safe
            "  sha256/ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=\n",
            "2 1 1 BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
            "<pin digest='SHA-256'> ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0= </pin>",
            "ba:78:16:bf:8f:01:cf:ea:41:41:40:de:5d:ae:22:23:b0:03:61:a3:96:17:7a:9c:b4:10:ff:61:f2:00:15:ad",
        ] {
            assert_eq!(Pin::parse(text).unwrap(), p, "{text}");
        }
    }

    #[test]
    fn a_digest_starting_with_a_slash_round_trips() {
        // printf 70 | openssl dgst -sha256 -binary | base64
        let b64 = "/1oa4BKvpdTIicUK1Ceq9UXTGk+sBP/BxNA9QDukJQo=";
        let p = Pin::of_spki(HashAlgorithm::Sha256, b"70");
        assert_eq!(p.base64(), b64);
        assert_eq!(Pin::parse(&p.to_string()).unwrap(), p); // sha256//1oa…
        assert_eq!(Pin::parse(&format!("sha256//{b64}")).unwrap(), p); // curl: sha256///1oa…
        assert_eq!(
            Pin::parse(&format!("sha256///{b64}")).unwrap_err().code(),
            "PIN_MALFORMED"
        );
        assert_eq!(Pin::parse(&p.format(PinFormat::Curl).unwrap()).unwrap(), p);
    }

    #[test]
    fn other_algorithms() {
        let p384 = Pin::of_spki(HashAlgorithm::Sha384, b"abc");
        let p512 = Pin::of_spki(HashAlgorithm::Sha512, b"abc");
        assert_eq!(Pin::parse(&p384.to_string()).unwrap(), p384);
        assert_eq!(Pin::parse(&p512.to_string()).unwrap(), p512);
        assert_eq!(Pin::parse(&p512.hex()).unwrap(), p512);
        assert_eq!(Pin::parse(&p384.base64()).unwrap(), p384);
        assert_eq!(
            p512.format(PinFormat::Tlsa).unwrap(),
            format!("3 1 2 {}", p512.hex())
        );
        assert_eq!(Pin::parse(&format!("3 1 2 {}", p512.hex())).unwrap(), p512);
        for f in [
            PinFormat::Tlsa,
            PinFormat::Android,
            PinFormat::Hpkp,
            PinFormat::Trustkit,
            PinFormat::Curl,
        ] {
            assert_eq!(
                p384.format(f).unwrap_err().code(),
                "FORMAT_UNSUPPORTED",
                "{f:?}"
            );
        }
    }

    #[test]
    fn malformed_pins_are_rejected_with_a_reason() {
        let table = [
            ("", "empty"),
            ("sha256/", "empty"),
            ("sha256/ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIA", "bytes"), // truncated
            (
                "sha384/ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=",
                "48 bytes",
            ),
            (
                "sha256/ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0===",
                "padding",
            ),
            (
                "sha256/ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0=",
                "mixes",
            ),
            (
                "sha256/ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa1=",
                "invalid base64",
            ), // non-canonical last bits
            ("sha1/ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfI=", "SHA-1"),
            (
                "pin-sha256=ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=",
                "quotes",
            ),
            (
                "3 0 1 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                "selector",
            ),
            (
                "3 1 0 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                "matching type 0",
            ),
            (
                "3 1 2 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                "64-byte",
            ),
            (
                "7 1 1 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                "usage",
            ),
            (
                "<pin digest=\"SHA-1\">ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=</pin>",
                "SHA-256\" only",
            ),
            (
                "<pin digest=\"SHA-256\">ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=",
                "</pin>",
            ),
            ("ba7816bf", "bytes"),
            ("hello world", "not a pin"),
            (
                "md5/ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=",
                "not a pin",
            ),
        ];
        for (text, words) in table {
            let e = Pin::parse(text).unwrap_err();
            assert_eq!(e.code(), "PIN_MALFORMED", "{text}");
            assert!(
                e.to_string().contains(words),
                "{text}: {e} should mention {words}"
            );
        }
        let long = format!("sha256/{}", "A".repeat(MAX_PIN_TEXT));
        assert!(Pin::parse(&long)
            .unwrap_err()
            .to_string()
            .contains("too long"));
    }

    #[test]
    fn names_parse() {
        assert_eq!(
            "sha-384".parse::<HashAlgorithm>().unwrap(),
            HashAlgorithm::Sha384
        );
        assert_eq!(
            "md5".parse::<HashAlgorithm>().unwrap_err().code(),
            "INVALID_ARGUMENT"
        );
        assert_eq!(
            "pem".parse::<PinFormat>().unwrap_err().code(),
            "INVALID_ARGUMENT"
        );
    }
}
