//! What a `PinPolicy` remembers between checks: the chains it was given
//! recently, parsed, and for each the signature-verified path once it was built.
//!
//! A server sends the same chain on every connection, so most checks repeat one. The key
//! is the exact input (every part's bytes or text, compared in full), never a name or
//! a digest: a remembered chain is reused only for byte-identical input, so what was
//! decided for it is what would be decided again. A verified path is also tied to the
//! verifier that built it: the memo holds its verifier, and giving it another one
//! ([`ChainMemo::set_verifier`]) forgets every path. Hostname, validity at `now`, the
//! policy entry and the pins are evaluated on every check, as without the memo.
//!
//! Bounded: at most [`MEMO_CHAINS`] chains, least recently used dropped first, and only
//! inputs of at most [`MEMO_MAX_INPUT_BYTES`]; larger or failing inputs are checked
//! without it. Errors are never remembered.

use crate::chain::path::{pin_path_with, PathOutcome, PathRules};
use crate::check::verdict::Verdict;
use crate::check::{
    check_policy, check_policy_parsed, parse_served, policy_hostname, CheckOptions,
};
use crate::error::Result;
use crate::finding::Finding;
use crate::input::{input_bytes, Part};
use crate::limits::{MEMO_CHAINS, MEMO_MAX_INPUT_BYTES};
use crate::policy::Policy;
use crate::signature::verify::{RustCryptoVerifier, SignatureVerifier};
use crate::x509::cert::Certificate;

struct Entry {
    input: Vec<Part>,
    certs: Vec<Certificate>,
    /// Warnings about skipped PEM blocks.
    notes: Vec<Finding>,
    /// The verified path, with the rules that built it (with the memo's verifier).
    path: Option<(PathRules, PathOutcome)>,
}

/// The recently checked chains of one policy, most recent first, and the verifier that
/// checks their signatures.
pub struct ChainMemo {
    entries: Vec<Entry>,
    verifier: Box<dyn SignatureVerifier>,
}

impl Default for ChainMemo {
    fn default() -> ChainMemo {
        ChainMemo::with_verifier(Box::new(RustCryptoVerifier))
    }
}

/// Byte equality in 8-byte words: the compiler's `memcmp` for wasm32 compares one byte
/// at a time, and this comparison runs on every remembered check (with `==` a repeated
/// check of the 3.3 KB RSA bench chain took about 16 µs instead of 10).
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (a_words, b_words) = (a.chunks_exact(8), b.chunks_exact(8));
    let tails_equal = a_words.remainder() == b_words.remainder();
    tails_equal && a_words.zip(b_words).all(|(x, y)| x == y)
}

fn same_input(a: &[Part], b: &[Part]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (Part::Text(x), Part::Text(y)) => same_bytes(x.as_bytes(), y.as_bytes()),
            (Part::Bytes(x), Part::Bytes(y)) => same_bytes(x, y),
            _ => false,
        })
}

impl ChainMemo {
    /// An empty memo that checks signatures with the pure-Rust [`RustCryptoVerifier`].
    pub fn new() -> ChainMemo {
        ChainMemo::default()
    }

    /// An empty memo that checks signatures with `verifier`.
    pub fn with_verifier(verifier: Box<dyn SignatureVerifier>) -> ChainMemo {
        ChainMemo {
            entries: Vec::new(),
            verifier,
        }
    }

    /// Checks signatures with `verifier` from now on, forgetting every verified path (the
    /// parsed chains stay: parsing does not depend on the verifier).
    pub fn set_verifier(&mut self, verifier: Box<dyn SignatureVerifier>) {
        self.verifier = verifier;
        self.forget_paths();
    }

    /// Forgets every verified path.
    pub fn forget_paths(&mut self) {
        for entry in &mut self.entries {
            entry.path = None;
        }
    }

    /// Chains remembered now.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// `check_policy(policy, chain, options)`, reusing what was remembered for this exact
    /// input, with the memo's verifier. The verdict is the one `check_policy` returns.
    pub fn check(
        &mut self,
        policy: &Policy,
        chain: &[Part],
        options: &CheckOptions,
    ) -> Result<Verdict> {
        let verifier = self.verifier.as_ref();
        if chain.is_empty() || input_bytes(chain) > MEMO_MAX_INPUT_BYTES {
            return check_policy(policy, chain, options, verifier);
        }
        let hostname = policy_hostname(options)?;
        let found = self
            .entries
            .iter()
            .position(|e| same_input(&e.input, chain));
        let entry = match found {
            Some(index) => {
                // Most recent first: a repeated chain is found at the first comparison.
                let entry = self.entries.remove(index);
                self.entries.insert(0, entry);
                self.entries.first_mut()
            }
            None => {
                let (certs, notes) = parse_served(chain)?;
                self.entries.truncate(MEMO_CHAINS - 1);
                self.entries.insert(
                    0,
                    Entry {
                        input: chain.to_vec(),
                        certs,
                        notes,
                        path: None,
                    },
                );
                self.entries.first_mut()
            }
        };
        let Some(Entry {
            certs, notes, path, ..
        }) = entry
        else {
            return check_policy(policy, chain, options, verifier);
        };
        let mut remembered_path = |certs: &[Certificate], rules: &PathRules| -> PathOutcome {
            match path {
                Some((r, outcome)) if r == rules => outcome.clone(),
                _ => {
                    let outcome = pin_path_with(certs, rules, verifier);
                    *path = Some((*rules, outcome.clone()));
                    outcome
                }
            }
        };
        check_policy_parsed(
            policy,
            &hostname,
            certs,
            notes,
            options,
            &mut remembered_path,
            verifier,
        )
    }
}
