//! What a `PinPolicy` remembers between checks: the chains it was given
//! recently, parsed, and for each the signature-verified path once it was built.
//!
//! A server sends the same chain on every connection, so most checks repeat one. The key
//! is the exact input (every part's bytes or text, compared in full), never a name or
//! a digest: a remembered chain is reused only for byte-identical input, so what was
//! decided for it is what would be decided again. A verified path is also tied to the
//! verifier that built it: the memo holds its verifier, and giving it another one
//! ([`ChainMemo::set_verifier`]) forgets every path. Hostname, validity at `now`, the
//! policy entry and the pins are evaluated as without the memo, except that the last
//! verdict for an input is given again to a check that would decide it again (the same
//! options but `now`, the same entry, the same answers about time: [`LastVerdict`]).
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
use crate::policy::{DomainEntry, Policy};
use crate::signature::verify::{RustCryptoVerifier, SignatureVerifier};
use crate::time::UnixTime;
use crate::x509::cert::Certificate;
use std::borrow::Cow;

struct Entry {
    input: Vec<Part>,
    certs: Vec<Certificate>,
    /// Warnings about skipped PEM blocks.
    notes: Vec<Finding>,
    /// The verified path, with the rules that built it (with the memo's verifier).
    path: Option<(PathRules, PathOutcome)>,
    /// The last verdict for this input, when it may be given again (see [`LastVerdict`]).
    last: Option<LastVerdict>,
}

/// A verdict with what it was decided from, given again for a check that would decide it
/// again: the same options but `now`, the same policy entry, and the same answer, for
/// every served certificate, to each question a check asks about time.
///
/// A check asks about `now` only: whether the entry has expired; for each certificate of
/// a path, whether `now` (to its second, widened by the clock skew) is before its
/// `notBefore` or after its `notAfter`; and, for a staple, an entry with `"ct"` or a failed
/// check, more (the staple's and the SCTs' times, the report's `date-time`, the
/// messages of an expired certificate). Verdicts of those are never kept, so for the
/// rest the answers to the questions decide every time-dependent step alike: the
/// verdict at another `now` with the same answers is this one.
struct LastVerdict {
    /// Its number in the memo.
    number: u64,
    /// The options, `now` aside (kept as it was).
    options: CheckOptions,
    /// The policy entry that applied.
    entry: Option<DomainEntry>,
    /// Whether the entry had expired.
    expired: bool,
    /// Per served certificate: `now` before its period, `now` after it.
    periods: Vec<(bool, bool)>,
    verdict: Verdict,
}

/// For each certificate: whether `now`, widened by `skew` seconds, is before its period
/// and after it, as `crate::chain::validity` and `crate::chain::path` ask.
fn periods(
    certs: &[Certificate],
    now: UnixTime,
    skew: i64,
) -> impl Iterator<Item = (bool, bool)> + '_ {
    let skew = skew.max(0);
    certs.iter().map(move |c| {
        (
            now.plus_seconds(skew) < c.not_before(),
            now.minus_seconds(skew) > c.not_after(),
        )
    })
}

impl LastVerdict {
    /// The verdict of `options` under `entry`, if it may be kept.
    fn of(
        number: u64,
        options: &CheckOptions,
        entry: Option<&DomainEntry>,
        certs: &[Certificate],
        verdict: &Verdict,
    ) -> Option<LastVerdict> {
        let kept = verdict.report.is_none()
            && options.ocsp_response.is_none()
            && options.ct.is_none()
            && entry.is_none_or(|e| e.ct.is_none());
        kept.then(|| LastVerdict {
            number,
            options: options.clone(),
            entry: entry.cloned(),
            expired: entry.is_some_and(|e| e.expired_at(options.now)),
            periods: periods(certs, options.now, options.clock_skew_seconds).collect(),
            verdict: verdict.clone(),
        })
    }

    /// Whether a check with `options` under `entry` decides this verdict again.
    fn answers(
        &self,
        options: &CheckOptions,
        entry: Option<&DomainEntry>,
        certs: &[Certificate],
    ) -> bool {
        // Every field named, so that a new option cannot be left out of the comparison.
        let CheckOptions {
            hostname,
            port,
            now: _,
            verify_signatures,
            clock_skew_seconds,
            rules,
            allow_common_name,
            ocsp_response,
            ct,
        } = options;
        let kept = &self.options;
        let same_options = *hostname == kept.hostname
            && *port == kept.port
            && *verify_signatures == kept.verify_signatures
            && *clock_skew_seconds == kept.clock_skew_seconds
            && *rules == kept.rules
            && *allow_common_name == kept.allow_common_name
            && ocsp_response.is_none()
            && kept.ocsp_response.is_none()
            && ct.is_none()
            && kept.ct.is_none();
        same_options
            && entry == self.entry.as_ref()
            && entry.is_some_and(|e| e.expired_at(options.now)) == self.expired
            && self.periods.len() == certs.len()
            && periods(certs, options.now, options.clock_skew_seconds)
                .zip(&self.periods)
                .all(|(now, then)| now == *then)
    }
}

/// The recently checked chains of one policy, most recent first, the verifier that
/// checks their signatures, and the host names checked recently with their canonical form.
pub struct ChainMemo {
    entries: Vec<Entry>,
    verifier: Box<dyn SignatureVerifier>,
    /// The last [`REMEMBERED_HOSTS`] host names as given, most recent first, with what
    /// `policy_hostname` made of them (the canonical name is a pure function of the name).
    hosts: Vec<(String, Result<String>)>,
    /// The number of the last verdict kept ([`ChainMemo::check_numbered`]).
    numbered: u64,
}

/// Host names a memo remembers with their canonical form.
const REMEMBERED_HOSTS: usize = 4;

impl Default for ChainMemo {
    fn default() -> ChainMemo {
        ChainMemo::with_verifier(Box::new(RustCryptoVerifier))
    }
}

/// Whether two byte strings of the same length are equal, compared 32 bytes at a time as
/// four 8-byte words (the compiler's `memcmp` for wasm32 compares one byte at a time, and
/// the chain memo compares every byte of its input on every check).
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    fn word(bytes: &[u8]) -> u64 {
        bytes
            .first_chunk::<8>()
            .map_or(0, |w| u64::from_le_bytes(*w))
    }
    if a.len() != b.len() {
        return false;
    }
    let (mut a_blocks, mut b_blocks) = (a.chunks_exact(32), b.chunks_exact(32));
    for (x, y) in (&mut a_blocks).zip(&mut b_blocks) {
        let (x1, x2, x3) = (x.get(8..), x.get(16..), x.get(24..));
        let (y1, y2, y3) = (y.get(8..), y.get(16..), y.get(24..));
        let differ = (word(x) ^ word(y))
            | (word(x1.unwrap_or_default()) ^ word(y1.unwrap_or_default()))
            | (word(x2.unwrap_or_default()) ^ word(y2.unwrap_or_default()))
            | (word(x3.unwrap_or_default()) ^ word(y3.unwrap_or_default()));
        if differ != 0 {
            return false;
        }
    }
    let (a_words, b_words) = (
        a_blocks.remainder().chunks(8),
        b_blocks.remainder().chunks(8),
    );
    a_words.zip(b_words).all(|(x, y)| {
        let mut wx = [0u8; 8];
        let mut wy = [0u8; 8];
        for (to, from) in wx.iter_mut().zip(x) {
            *to = *from;
        }
        for (to, from) in wy.iter_mut().zip(y) {
            *to = *from;
        }
        wx == wy
    })
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
            hosts: Vec::new(),
            numbered: 0,
        }
    }

    /// `policy_hostname(options)`, remembered for the last few names (compared as whole
    /// strings).
    fn hostname(&mut self, options: &CheckOptions) -> Result<String> {
        let Some(name) = options.hostname.as_deref() else {
            return policy_hostname(options);
        };
        if let Some((_, result)) = self.hosts.iter().find(|(n, _)| n == name) {
            return result.clone();
        }
        let result = policy_hostname(options);
        self.hosts.truncate(REMEMBERED_HOSTS - 1);
        self.hosts.insert(0, (name.to_string(), result.clone()));
        result
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
            entry.last = None;
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
        self.check_numbered(policy, chain, options)
            .map(|(_, verdict)| verdict.into_owned())
    }

    /// [`ChainMemo::check`], with the verdict's number when the memo keeps the verdict:
    /// two verdicts of one memo with the same number are equal (a number is given to one
    /// verdict only, and a kept verdict never changes), so a caller that kept what it
    /// made of a numbered verdict may reuse it without comparing.
    pub fn check_numbered(
        &mut self,
        policy: &Policy,
        chain: &[Part],
        options: &CheckOptions,
    ) -> Result<(Option<u64>, Cow<'_, Verdict>)> {
        let fresh = |v| (None, Cow::Owned(v));
        if chain.is_empty() || input_bytes(chain) > MEMO_MAX_INPUT_BYTES {
            return check_policy(policy, chain, options, self.verifier.as_ref()).map(fresh);
        }
        let hostname = self.hostname(options)?;
        let found = self
            .entries
            .iter()
            .position(|e| same_input(&e.input, chain));
        match found {
            Some(index) => {
                // Most recent first: a repeated chain is found at the first comparison.
                let entry = self.entries.remove(index);
                self.entries.insert(0, entry);
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
                        last: None,
                    },
                );
            }
        }
        let domain = policy.find(&hostname).map(|(_, e)| e);
        let answered = self.entries.first().is_some_and(|e| {
            e.last
                .as_ref()
                .is_some_and(|l| l.answers(options, domain, &e.certs))
        });
        if answered {
            return match self.entries.first().and_then(|e| e.last.as_ref()) {
                Some(last) => Ok((Some(last.number), Cow::Borrowed(&last.verdict))),
                None => check_policy(policy, chain, options, self.verifier.as_ref()).map(fresh),
            };
        }
        let verifier = self.verifier.as_ref();
        let Some(Entry {
            certs,
            notes,
            path,
            last,
            ..
        }) = self.entries.first_mut()
        else {
            return check_policy(policy, chain, options, verifier).map(fresh);
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
        let verdict = check_policy_parsed(
            policy,
            &hostname,
            certs,
            notes,
            options,
            &mut remembered_path,
            verifier,
        )?;
        // Numbers are never given twice (2^64 verdicts would take centuries; past them
        // nothing more is kept).
        let number = self.numbered.checked_add(1);
        self.numbered = number.unwrap_or(u64::MAX);
        *last = number.and_then(|n| LastVerdict::of(n, options, domain, certs, &verdict));
        Ok((last.as_ref().map(|l| l.number), Cow::Owned(verdict)))
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod same_bytes_tests {
    use super::same_bytes;

    #[test]
    fn same_bytes_is_equality() {
        let base: Vec<u8> = (0..200u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in [0, 1, 7, 8, 9, 31, 32, 33, 63, 64, 65, 100, 200] {
            let a = &base[..len];
            assert!(same_bytes(a, a), "{len}");
            assert!(!same_bytes(a, &base[..len.saturating_sub(1)]) || len == 0);
            // One byte changed anywhere, in every position.
            for at in 0..len {
                let mut b = a.to_vec();
                b[at] ^= 0x80;
                assert!(!same_bytes(a, &b), "{len} {at}");
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod host_tests {
    use super::ChainMemo;
    use crate::check::{policy_hostname, CheckOptions};

    #[test]
    fn a_remembered_host_is_the_computed_one() {
        // More names than are remembered, valid and not, each asked for twice in a row
        // and again after others.
        let names = [
            "Example.COM.",
            "127.1",
            "[::ffff:1.2.3.4]",
            "bad..name",
            "xn--nxasmq6b.example",
            "b\u{fc}cher.example",
            "0x7f.example",
            "1.2.3.256",
            "a.b",
            "Example.COM.",
        ];
        let mut memo = ChainMemo::new();
        for _ in 0..2 {
            for name in names {
                let options = CheckOptions::at(0).for_host(name);
                for _ in 0..2 {
                    assert_eq!(memo.hostname(&options), policy_hostname(&options), "{name}");
                }
            }
        }
        let options = CheckOptions::at(0);
        assert_eq!(memo.hostname(&options), policy_hostname(&options));
        assert!(memo.hostname(&options).is_err());
    }
}
