//! Chains for the integration tests, made with rcgen from the fixed keys in
//! tests/fixtures/path/keys (generated once by generate.sh) and a fixed validity
//! (2025-01-01 to 2035-01-01), so subjects, keys and pins are the same on every run.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use certpin::{parse_chain, Certificate, Part};
use rcgen::{
    date_time_ymd, BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyIdMethod, KeyPair,
    KeyUsagePurpose,
};
use std::path::PathBuf;

pub fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/path")
}

pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixture_dir().join(name)).expect(name)
}

pub fn key(name: &str) -> KeyPair {
    KeyPair::from_pem(&fixture(&format!("keys/{name}.pem"))).expect(name)
}

/// 2026-06-01T00:00:00Z: inside every generated certificate's validity.
pub const NOW: i64 = 1_780_272_000;
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

pub fn codes(findings: &[certpin::Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.code).collect()
}
