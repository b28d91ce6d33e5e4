//! What the integration tests share: the one fixed "now" (`now.rs`, re-exported here),
//! the fixture folders, and chains made with rcgen from the fixed keys in
//! tests/fixtures/path/keys (generated once by generate.sh) and a fixed validity
//! (2025-01-01 to 2035-01-01), so subjects, keys and pins are the same on every run.
//! `policies` builds the check tests' chains and policies, `der` rebuilds certificates
//! rcgen cannot write.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

pub mod der;
pub mod finding_codes;
mod now;
pub mod policies;
pub use now::*;

use certpin::{
    check_pins, parse_chain, Certificate, CheckOptions, HashAlgorithm, Part, Pin,
    RustCryptoVerifier, SignatureAlgorithm, SignatureVerifier, Verdict, VerifyOutcome,
};
use rcgen::{
    date_time_ymd, BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyIdMethod, KeyPair,
    KeyUsagePurpose,
};
use std::path::PathBuf;

/// `tests/<relative>`: each concept's fixtures are in `tests/<concept>/`, those several
/// concepts and the JS tests share in `tests/fixtures/`.
pub fn tests_dir(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(relative)
}

/// tests/fixtures/path: the fixed keys, the signature-algorithm pairs and the bypass
/// chains (read by the chain, signature and diagnose tests and by the JS tests).
pub fn fixture_dir() -> PathBuf {
    tests_dir("fixtures/path")
}

pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixture_dir().join(name)).expect(name)
}

pub fn key(name: &str) -> KeyPair {
    KeyPair::from_pem(&fixture(&format!("keys/{name}.pem"))).expect(name)
}

pub const NOT_BEFORE: i64 = 1_735_689_600; // 2025-01-01T00:00:00Z
pub const NOT_AFTER: i64 = 2_051_222_400; // 2035-01-01T00:00:00Z

/// A certificate under construction.
pub struct Spec {
    pub params: CertificateParams,
}

impl Spec {
    pub fn leaf(cn: &str, names: &[&str]) -> Spec {
        let mut params =
            CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                .unwrap();
        params.distinguished_name = rcgen::DistinguishedName::new();
        params.distinguished_name.push(DnType::CommonName, cn);
        params.not_before = date_time_ymd(2025, 1, 1);
        params.not_after = date_time_ymd(2035, 1, 1);
        params.use_authority_key_identifier_extension = true;
        Spec { params }
    }
    pub fn ca(cn: &str, path_len: Option<u8>) -> Spec {
        let mut spec = Spec::leaf(cn, &[]);
        spec.params.is_ca = IsCa::Ca(match path_len {
            Some(n) => BasicConstraints::Constrained(n),
            None => BasicConstraints::Unconstrained,
        });
        spec.params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        spec
    }
    pub fn validity(mut self, from: (i32, u8, u8), to: (i32, u8, u8)) -> Spec {
        self.params.not_before = date_time_ymd(from.0, from.1, from.2);
        self.params.not_after = date_time_ymd(to.0, to.1, to.2);
        self
    }
    pub fn key_id(mut self, id: &[u8]) -> Spec {
        self.params.key_identifier_method = KeyIdMethod::PreSpecified(id.to_vec());
        self
    }
    pub fn no_key_ids(mut self) -> Spec {
        self.params.use_authority_key_identifier_extension = false;
        self
    }
    pub fn self_signed(&self, key: &KeyPair) -> Vec<u8> {
        self.params.self_signed(key).unwrap().der().to_vec()
    }
    /// Signed by `issuer` (its spec and key): the issuer name and AKI come from it.
    pub fn signed_by(&self, subject_key: &KeyPair, issuer: &Spec, issuer_key: &KeyPair) -> Vec<u8> {
        let issuer = Issuer::from_params(&issuer.params, issuer_key);
        self.params
            .signed_by(subject_key, &issuer)
            .unwrap()
            .der()
            .to_vec()
    }
}

pub fn certs(ders: &[&Vec<u8>]) -> Vec<Certificate> {
    let parts: Vec<Part> = ders.iter().map(|d| Part::Bytes((*d).clone())).collect();
    parse_chain(&parts).unwrap()
}

pub fn pem_certs(pem: &str) -> Vec<Certificate> {
    parse_chain(&[Part::Text(pem.to_string())]).unwrap()
}

/// A typical chain: root -> intermediate -> leaf for `www.example.com`.
pub struct Pki {
    pub root_spec: Spec,
    pub inter_spec: Spec,
    pub root: Vec<u8>,
    pub inter: Vec<u8>,
    pub leaf: Vec<u8>,
}

pub fn pki() -> Pki {
    let root_spec = Spec::ca("Example Root CA", None);
    let inter_spec = Spec::ca("Example Issuing CA", Some(0));
    let root = root_spec.self_signed(&key("root"));
    let inter = inter_spec.signed_by(&key("inter"), &root_spec, &key("root"));
    let leaf = Spec::leaf("www.example.com", &["www.example.com", "example.com"]).signed_by(
        &key("leaf"),
        &inter_spec,
        &key("inter"),
    );
    Pki {
        root_spec,
        inter_spec,
        root,
        inter,
        leaf,
    }
}

/// The SHA-256 SPKI pin of one DER certificate.
pub fn pin_of(der: &[u8]) -> Pin {
    certs(&[&der.to_vec()])[0].pin(HashAlgorithm::Sha256)
}

/// `check_pins` on DER certificates.
pub fn check(chain: &[&Vec<u8>], pins: &[Pin], options: &CheckOptions) -> Verdict {
    let parts: Vec<Part> = chain.iter().map(|d| Part::Bytes((*d).clone())).collect();
    check_pins(&parts, pins, options, &RustCryptoVerifier).unwrap()
}

/// Whether a verdict has a finding with this code.
pub fn has(v: &Verdict, code: &str) -> bool {
    v.findings.iter().any(|f| f.code == code)
}

/// A leaf for `www.example.com` with these SAN names.
pub fn leaf_spec(names: &[&str]) -> Spec {
    Spec::leaf("www.example.com", names)
}

/// A verifier that accepts everything, to stress the step bound without signatures.
pub struct AcceptAll;
impl SignatureVerifier for AcceptAll {
    fn verify(&self, _: SignatureAlgorithm, _: &[u8], _: &[u8], _: &[u8]) -> VerifyOutcome {
        VerifyOutcome::Valid
    }
}

pub fn codes(findings: &[certpin::Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.code.as_str()).collect()
}

/// An attacker's own CA: Evil Root -> Evil Issuing CA -> a leaf for www.example.com.
pub struct EvilChain {
    pub root: Vec<u8>,
    pub inter: Vec<u8>,
    pub leaf: Vec<u8>,
}

pub fn evil_chain() -> EvilChain {
    let evil_root = Spec::ca("Evil Root", None);
    let evil_inter = Spec::ca("Evil Issuing CA", None);
    let root = evil_root.self_signed(&key("evil-root"));
    let inter = evil_inter.signed_by(&key("evil-inter"), &evil_root, &key("evil-root"));
    let leaf = Spec::leaf("www.example.com", &["www.example.com"]).signed_by(
        &key("rogue"),
        &evil_inter,
        &key("evil-inter"),
    );
    EvilChain { root, inter, leaf }
}

/// A rogue intermediate: the real one's subject and key identifier, another key, signed
/// by the real root; and the attacker's leaf it signed, naming the real intermediate.
pub struct RogueIntermediate {
    /// The real intermediate's subject key identifier.
    pub real_ski: Vec<u8>,
    pub der: Vec<u8>,
    pub leaf: Vec<u8>,
}

pub fn rogue_intermediate(p: &Pki) -> RogueIntermediate {
    let real_ski = certs(&[&p.inter])[0]
        .facts()
        .subject_key_id
        .clone()
        .unwrap();
    let rogue_spec = Spec::ca("Example Issuing CA", Some(0)).key_id(&real_ski);
    let der = rogue_spec.signed_by(&key("rogue"), &p.root_spec, &key("root"));
    let leaf = Spec::leaf("www.example.com", &["www.example.com"]).signed_by(
        &key("other"),
        &rogue_spec,
        &key("rogue"),
    );
    RogueIntermediate {
        real_ski,
        der,
        leaf,
    }
}

/// (leaf, issuer): an "Example Issuing CA" that is not a CA (explicit CA:false), signed
/// by the real root, and a leaf under it.
pub fn intermediate_without_ca_bit(p: &Pki) -> (Vec<u8>, Vec<u8>) {
    let mut not_ca = Spec::leaf("Example Issuing CA", &[]);
    not_ca.params.is_ca = IsCa::ExplicitNoCa;
    let not_ca_der = not_ca.signed_by(&key("inter"), &p.root_spec, &key("root"));
    let leaf = Spec::leaf("www.example.com", &["www.example.com"]).signed_by(
        &key("leaf"),
        &not_ca,
        &key("inter"),
    );
    (leaf, not_ca_der)
}

/// "Example Issuing CA" with the real intermediate's key, issued by an unrelated
/// "Other Root": it names the served root nowhere.
pub fn look_alike_intermediate() -> Vec<u8> {
    let other_root = Spec::ca("Other Root", None);
    let inter = Spec::ca("Example Issuing CA", Some(0));
    inter.signed_by(&key("inter"), &other_root, &key("other"))
}

/// The bypass chains of tests/chain.rs as (name, DER certificates), for the fixtures
/// the JS tests use (`cargo test --test chain -- --ignored write_bypass_fixtures`).
pub fn bypass_chains() -> Vec<(&'static str, Vec<Vec<u8>>)> {
    let p = pki();
    let mut out = vec![];
    out.push((
        "honest",
        vec![p.leaf.clone(), p.inter.clone(), p.root.clone()],
    ));
    out.push((
        "shuffled",
        vec![p.leaf.clone(), p.root.clone(), p.inter.clone()],
    ));

    let evil = evil_chain();
    out.push((
        "appended-pinned-intermediate",
        vec![
            evil.leaf,
            evil.inter,
            p.inter.clone(),
            p.root.clone(),
            evil.root,
        ],
    ));

    let rogue = rogue_intermediate(&p);
    out.push((
        "rogue-leaf-real-intermediate",
        vec![rogue.leaf, p.inter.clone(), p.root.clone()],
    ));
    out.push((
        "rogue-intermediate-first",
        vec![p.leaf.clone(), rogue.der, p.inter.clone(), p.root.clone()],
    ));

    let mut corrupt = p.leaf.clone();
    if let Some(b) = corrupt.last_mut() {
        *b ^= 1;
    }
    out.push((
        "corrupted-leaf-signature",
        vec![corrupt, p.inter.clone(), p.root.clone()],
    ));

    let (leaf, not_ca_der) = intermediate_without_ca_bit(&p);
    out.push((
        "intermediate-without-ca-bit",
        vec![leaf, not_ca_der, p.root.clone()],
    ));

    let pl_root = Spec::ca("PL Root", None);
    let inter1 = Spec::ca("PL Inter 1", Some(0));
    let inter2 = Spec::ca("PL Inter 2", None);
    let i1 = inter1.signed_by(&key("inter"), &pl_root, &key("root"));
    let i2 = inter2.signed_by(&key("inter2"), &inter1, &key("inter"));
    let leaf =
        Spec::leaf("pl.example", &["pl.example"]).signed_by(&key("leaf"), &inter2, &key("inter2"));
    out.push((
        "path-len-exceeded",
        vec![leaf, i2, i1, pl_root.self_signed(&key("root"))],
    ));

    out.push((
        "pinned-root-not-linked",
        vec![p.leaf.clone(), look_alike_intermediate(), p.root.clone()],
    ));

    out.push(("sixteen-look-alikes", loop_look_alikes()));
    out
}

pub fn to_pem(ders: &[Vec<u8>]) -> String {
    use base64::Engine as _;
    let mut pem = String::new();
    for der in ders {
        let b64 = base64::engine::general_purpose::STANDARD.encode(der);
        pem.push_str("-----BEGIN CERTIFICATE-----\n");
        for line in b64.as_bytes().chunks(64) {
            pem.push_str(std::str::from_utf8(line).unwrap());
            pem.push('\n');
        }
        pem.push_str("-----END CERTIFICATE-----\n");
    }
    pem
}

/// leaf <- Deep CA 1 <- Deep CA 2 <- ... <- Deep CA n+1, `n` intermediates served after
/// the leaf (the last issuer is not served), keys alternating: a long but honest chain.
pub fn deep_chain(n: usize) -> Vec<Vec<u8>> {
    let specs: Vec<Spec> = (1..=n + 1)
        .map(|i| Spec::ca(&format!("Deep CA {i}"), None))
        .collect();
    let keys = ["inter", "inter2"];
    let mut ders = vec![Spec::leaf("deep.example", &["deep.example"]).signed_by(
        &key("leaf"),
        &specs[0],
        &key(keys[0]),
    )];
    for i in 0..n {
        ders.push(specs[i].signed_by(&key(keys[i % 2]), &specs[i + 1], &key(keys[(i + 1) % 2])));
    }
    ders
}

/// A leaf and 15 self-issued copies of "Loop CA" (no key ids) whose signatures never
/// verify against each other: what a work budget must stop.
pub fn loop_look_alikes() -> Vec<Vec<u8>> {
    let loop_ca = Spec::ca("Loop CA", None).no_key_ids();
    let mut ders = vec![Spec::leaf("loop.example", &["loop.example"])
        .no_key_ids()
        .signed_by(&key("leaf"), &loop_ca, &key("inter"))];
    for _ in 0..15 {
        ders.push(loop_ca.signed_by(&key("inter"), &loop_ca, &key("inter2")));
    }
    ders
}
