//! OkHttp's `CertificatePinner` (okhttp3/CertificatePinner.kt), read from Kotlin or Java
//! source: every `CertificatePinner.Builder()` and the `.add(pattern, pins…)` calls
//! chained on it (`.add(…).add(…).build()`) or made on the variable it was assigned to
//! (`builder.add(…)`). Arguments must be string literals: a constant, a template or a
//! concatenation is refused with its line, since certpin cannot know its value. Control
//! flow is not evaluated: an `.add` inside an `if` is read like any other.
//!
//! OkHttp's semantics carried over:
//! - patterns: an exact host, `*.example.com` (exactly one extra label) and
//!   `**.example.com` (zero or more) mean the same in certpin;
//! - OkHttp accepts the pins of *every* pattern that matches a host; certpin uses the most
//!   specific entry. So an entry gets the pins of each broader pattern that covers all of
//!   its names (finding `IMPORT_PINS_MERGED`); where two patterns share only some names
//!   (`*.example.com` and `**.api.example.com` both match `api.example.com`) the policy
//!   is stricter than OkHttp for the shared names (finding `IMPORT_PATTERN_OVERLAP`);
//! - `sha1/` pins: certpin pins SHA-256 or longer digests and cannot turn a SHA-1 digest
//!   into one, so each becomes an error finding (`IMPORT_SHA1_PIN`) and the policy is
//!   stricter (that key no longer matches). A pattern whose pins are all `sha1/` would
//!   pin nothing and is refused (`OKHTTP_INVALID`).

use super::export::{active, enforce_only, need_active, notes, sha256_only, unsupported, who};
use super::Import;
use crate::error::{Error, Result};
use crate::finding::{Finding, FindingCode};
use crate::limits::{MAX_ARGUMENTS, MAX_OKHTTP_ADD_CALLS, MAX_OKHTTP_BYTES};
use crate::names::host::HostPattern;
use crate::pin::Pin;
use crate::policy::{DomainEntry, Policy};
use core::fmt::Write as _;

fn invalid(line: Option<usize>, reason: impl Into<String>) -> Error {
    Error::OkHttpInvalid {
        line,
        reason: reason.into(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Ident(String),
    /// A string literal's value; `None` when it holds a template (`$x`, `${…}`).
    Str(Option<String>),
    Punct(char),
    /// Numbers, char literals, operators certpin has no use for.
    Other,
}

/// A token and the 1-based line it starts on.
type Located = (Token, usize);

/// Splits Kotlin or Java source into tokens, skipping comments and whitespace. The
/// syntax that matters is ASCII, so this walks bytes (smaller wasm than `chars()`): a
/// byte of 0x80 or more is part of a multi-byte character and is copied, or taken as an
/// identifier character, whole.
fn tokens(source: &str) -> Result<Vec<Located>> {
    let b = source.as_bytes();
    let at = |i: usize| b.get(i).copied();
    let has = |i: usize, s: &[u8]| b.get(i..i + s.len()) == Some(s);
    let mut out = Vec::new();
    let mut i = 0usize;
    let mut line = 1usize;
    while let Some(c) = at(i) {
        match c {
            b'\n' => {
                line += 1;
                i += 1;
            }
            b'/' if has(i, b"//") => {
                while at(i).is_some_and(|c| c != b'\n') {
                    i += 1;
                }
            }
            b'/' if has(i, b"/*") => {
                let start = line;
                i += 2;
                loop {
                    match at(i) {
                        None => return Err(invalid(Some(start), "a /* comment is not closed")),
                        Some(b'*') if has(i, b"*/") => {
                            i += 2;
                            break;
                        }
                        Some(b'\n') => {
                            line += 1;
                            i += 1;
                        }
                        Some(_) => i += 1,
                    }
                }
            }
            b'"' if has(i, b"\"\"\"") => {
                // Kotlin raw string / Java text block: no escapes are read.
                let start = line;
                i += 3;
                let from = i;
                while !has(i, b"\"\"\"") {
                    match at(i) {
                        None => return Err(invalid(Some(start), "a \"\"\" string is not closed")),
                        Some(b'\n') => line += 1,
                        Some(_) => {}
                    }
                    i += 1;
                }
                let value = source.get(from..i).unwrap_or_default();
                i += 3;
                let literal = (!value.contains('$')).then(|| value.to_string());
                out.push((Token::Str(literal), start));
            }
            b'"' => {
                i += 1;
                let mut value: Vec<u8> = Vec::new();
                let mut templated = false;
                loop {
                    match at(i) {
                        None | Some(b'\n') => {
                            return Err(invalid(Some(line), "a string is not closed on its line"))
                        }
                        Some(b'"') => {
                            i += 1;
                            break;
                        }
                        Some(b'\\') => {
                            let escaped = match at(i + 1) {
                                Some(b'n') => '\n',
                                Some(b't') => '\t',
                                Some(b'r') => '\r',
                                Some(b'b') => '\u{8}',
                                Some(c @ (b'"' | b'\'' | b'\\' | b'$')) => char::from(c),
                                Some(b'u') => {
                                    let hex = source.get(i + 2..i + 6).unwrap_or_default();
                                    let c = u32::from_str_radix(hex, 16)
                                        .ok()
                                        .and_then(char::from_u32)
                                        .ok_or_else(|| {
                                            invalid(Some(line), format!("bad escape \\u{hex}"))
                                        })?;
                                    i += 4;
                                    c
                                }
                                _ => {
                                    return Err(invalid(
                                        Some(line),
                                        "this escape in a string is not supported",
                                    ))
                                }
                            };
                            let mut utf8 = [0u8; 4];
                            value.extend_from_slice(escaped.encode_utf8(&mut utf8).as_bytes());
                            i += 2;
                        }
                        Some(c) => {
                            templated |= c == b'$';
                            value.push(c);
                            i += 1;
                        }
                    }
                }
                let value = String::from_utf8(value)
                    .map_err(|_| invalid(Some(line), "a string is not valid UTF-8"))?;
                out.push((Token::Str((!templated).then_some(value)), line));
            }
            b'\'' => {
                // A char literal: 'a', '\n', '\u0041', '\''.
                i += 1;
                loop {
                    match at(i) {
                        None | Some(b'\n') => {
                            return Err(invalid(Some(line), "a char literal is not closed"))
                        }
                        Some(b'\\') => i += 2,
                        Some(b'\'') => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                out.push((Token::Other, line));
            }
            b'`' => {
                // Kotlin's `quoted identifier`.
                i += 1;
                let from = i;
                while at(i).is_some_and(|c| c != b'`' && c != b'\n') {
                    i += 1;
                }
                let name = source.get(from..i).unwrap_or_default().to_string();
                i += 1;
                out.push((Token::Ident(name), line));
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                let from = i;
                while at(i).is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80) {
                    i += 1;
                }
                let name = source.get(from..i).unwrap_or_default().to_string();
                out.push((Token::Ident(name), line));
            }
            c if c.is_ascii_digit() => {
                while at(i).is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.') {
                    i += 1;
                }
                out.push((Token::Other, line));
            }
            b'.' | b',' | b'(' | b')' | b'=' | b';' | b'{' | b'}' | b'+' | b'[' | b']' | b'*' => {
                out.push((Token::Punct(char::from(c)), line));
                i += 1;
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                out.push((Token::Other, line));
                i += 1;
            }
        }
    }
    Ok(out)
}

/// One `.add(pattern, pins…)` call as written.
struct AddCall {
    line: usize,
    pattern: String,
    pins: Vec<(String, usize)>,
}

struct Reader {
    tokens: Vec<Located>,
    at: usize,
}

impl Reader {
    fn peek(&self, ahead: usize) -> Option<&Token> {
        self.tokens.get(self.at + ahead).map(|(t, _)| t)
    }
    fn line(&self) -> usize {
        self.tokens
            .get(self.at)
            .or(self.tokens.last())
            .map_or(0, |(_, l)| *l)
    }
    fn is(&self, ahead: usize, want: &Token) -> bool {
        self.peek(ahead) == Some(want)
    }
    fn punct(&self, ahead: usize, c: char) -> bool {
        self.is(ahead, &Token::Punct(c))
    }
    fn ident(&self, ahead: usize, name: &str) -> bool {
        matches!(self.peek(ahead), Some(Token::Ident(n)) if n == name)
    }

    /// At `(` of an `add(`: reads the literal arguments through the closing `)`.
    fn arguments(&mut self) -> Result<AddCall> {
        let line = self.line();
        self.at += 1;
        let mut args: Vec<(String, usize)> = Vec::new();
        loop {
            if self.punct(0, ')') {
                self.at += 1;
                break;
            }
            let arg_line = self.line();
            let n = args.len() + 1;
            match self.peek(0) {
                Some(Token::Str(Some(v))) => {
                    let v = v.clone();
                    self.at += 1;
                    if self.punct(0, '+') {
                        return Err(invalid(Some(arg_line), format!("argument {n} of .add(…) is a concatenation: certpin reads string literals only; write the whole pattern or pin in one literal")));
                    }
                    args.push((v, arg_line));
                }
                Some(Token::Str(None)) => {
                    return Err(invalid(Some(arg_line), format!("argument {n} of .add(…) is a string template: certpin cannot know its value; write the literal pattern or pin")));
                }
                None => {
                    return Err(invalid(
                        Some(line),
                        "the .add( call is not closed".to_string(),
                    ))
                }
                Some(_) => {
                    return Err(invalid(Some(arg_line), format!("argument {n} of .add(…) is not a string literal (a constant, a variable or an array?): certpin cannot know its value; write the literal pattern or pin")));
                }
            }
            if args.len() > MAX_ARGUMENTS {
                return Err(invalid(
                    Some(line),
                    format!(
                        "this .add(…) has more than {} pins, over the limit per entry",
                        crate::limits::MAX_PINS_PER_DOMAIN
                    ),
                ));
            }
            if self.punct(0, ',') {
                self.at += 1;
            } else if !self.punct(0, ')') {
                return Err(invalid(
                    Some(self.line()),
                    "expected , or ) after an argument of .add(…)",
                ));
            }
        }
        let mut args = args.into_iter();
        let Some((pattern, _)) = args.next() else {
            return Err(invalid(
                Some(line),
                ".add() without arguments: OkHttp needs a pattern and at least one pin",
            ));
        };
        let pins: Vec<(String, usize)> = args.collect();
        if pins.is_empty() {
            return Err(invalid(
                Some(line),
                format!(".add({pattern:?}) has no pins: OkHttp needs at least one"),
            ));
        }
        Ok(AddCall {
            line,
            pattern,
            pins,
        })
    }

    /// After `CertificatePinner.Builder()`: the chained `.add(…)` calls. Returns whether
    /// the chain ended with `.build()`.
    fn chain(&mut self, calls: &mut Vec<AddCall>) -> Result<bool> {
        loop {
            if !self.punct(0, '.') {
                return Ok(false);
            }
            match self.peek(1) {
                Some(Token::Ident(n)) if n == "add" && self.punct(2, '(') => {
                    self.at += 2;
                    calls.push(self.arguments()?);
                    bound(calls)?;
                }
                Some(Token::Ident(n)) if n == "build" => {
                    self.at += 2;
                    return Ok(true);
                }
                Some(Token::Ident(n)) => {
                    return Err(invalid(
                        Some(self.line()),
                        format!(
                            ".{n}(…) on a CertificatePinner.Builder: certpin reads .add(pattern, pins…) and .build() only"
                        ),
                    ))
                }
                _ => return Ok(false),
            }
        }
    }
}

fn bound(calls: &[AddCall]) -> Result<()> {
    if calls.len() > MAX_OKHTTP_ADD_CALLS {
        return Err(invalid(
            calls.last().map(|c| c.line),
            format!("more than {MAX_OKHTTP_ADD_CALLS} .add(…) calls"),
        ));
    }
    Ok(())
}

/// Reads every `CertificatePinner.Builder()` of the source into one policy.
pub fn import_okhttp(source: &str) -> Result<Import> {
    if source.len() > MAX_OKHTTP_BYTES {
        return Err(invalid(
            None,
            format!(
                "the source is {} bytes, over the limit of {MAX_OKHTTP_BYTES}: pass the file that builds the CertificatePinner",
                source.len()
            ),
        ));
    }
    let mut r = Reader {
        tokens: tokens(source)?,
        at: 0,
    };
    let mut calls = Vec::new();
    let mut builders = 0usize;
    let mut variables: Vec<String> = Vec::new();
    while r.at < r.tokens.len() {
        if r.ident(0, "CertificatePinner")
            && r.punct(1, '.')
            && r.ident(2, "Builder")
            && r.punct(3, '(')
            && r.punct(4, ')')
        {
            builders += 1;
            // `val b = CertificatePinner.Builder()` / `CertificatePinner.Builder b = new …`:
            // later `b.add(…)` statements belong to it.
            let assigned = {
                let mut back = r.at;
                if back >= 1
                    && matches!(r.tokens.get(back - 1), Some((Token::Ident(n), _)) if n == "new")
                {
                    back -= 1;
                }
                // okhttp3.CertificatePinner.Builder()
                while back >= 2
                    && matches!(r.tokens.get(back - 1), Some((Token::Punct('.'), _)))
                    && matches!(r.tokens.get(back - 2), Some((Token::Ident(_), _)))
                {
                    back -= 2;
                }
                match (
                    back.checked_sub(2).and_then(|b| r.tokens.get(b)),
                    back.checked_sub(1).and_then(|b| r.tokens.get(b)),
                ) {
                    (Some((Token::Ident(name), _)), Some((Token::Punct('='), _))) => {
                        Some(name.clone())
                    }
                    _ => None,
                }
            };
            r.at += 5;
            let built = r.chain(&mut calls)?;
            if let (false, Some(name)) = (built, assigned) {
                variables.push(name);
            }
            continue;
        }
        if let Some(Token::Ident(name)) = r.peek(0) {
            if variables.contains(name) && r.punct(1, '.') && r.ident(2, "add") && r.punct(3, '(') {
                r.at += 3;
                calls.push(r.arguments()?);
                bound(&calls)?;
                r.chain(&mut calls)?;
                continue;
            }
        }
        r.at += 1;
    }
    if builders == 0 {
        return Err(invalid(
            None,
            "no CertificatePinner.Builder() in the source: pass the Kotlin or Java file that builds the pinner",
        ));
    }
    if calls.is_empty() {
        return Err(invalid(
            None,
            "the CertificatePinner.Builder() has no .add(pattern, pins…) call certpin can read",
        ));
    }
    entries_of(calls)
}

struct Group {
    host: HostPattern,
    written: String,
    line: usize,
    pins: Vec<Pin>,
    /// `sha1/` pins left out.
    sha1: usize,
}

fn entries_of(calls: Vec<AddCall>) -> Result<Import> {
    let mut findings = Vec::new();
    let mut groups: Vec<Group> = Vec::new();
    for call in calls {
        let host = HostPattern::parse(&call.pattern)
            .map_err(|reason| invalid(Some(call.line), format!("pattern: {reason}")))?;
        let index = match groups.iter().position(|g| g.host == host) {
            Some(i) => i,
            None => {
                groups.push(Group {
                    host,
                    written: call.pattern.clone(),
                    line: call.line,
                    pins: Vec::new(),
                    sha1: 0,
                });
                groups.len() - 1
            }
        };
        let mut sha1 = 0usize;
        let mut read = Vec::new();
        for (text, line) in &call.pins {
            if let Some(b64) = text.strip_prefix("sha1/") {
                let digest = decode_base64_lenient(b64);
                if digest.map(|d| d.len()) != Some(20) {
                    return Err(invalid(
                        Some(*line),
                        format!(
                            "{:?} is not a SHA-1 pin: its digest is not 20 bytes of base64",
                            text.chars().take(80).collect::<String>()
                        ),
                    ));
                }
                sha1 += 1;
                findings.push(Finding::error(
                    FindingCode::ImportSha1Pin,
                    format!(
                        "line {line}: {text} for {} is not imported: certpin pins SHA-256 digests and \
                         cannot derive one from a SHA-1 digest, so chains with only this key are \
                         refused; compute the key's sha256/ pin (certpin pins cert.pem) and add it",
                        call.pattern
                    ),
                ));
                continue;
            }
            if !text.starts_with("sha256/") {
                return Err(invalid(
                    Some(*line),
                    format!(
                        "{:?}: OkHttp pins start with sha256/ (or sha1/)",
                        text.chars().take(80).collect::<String>()
                    ),
                ));
            }
            let pin = Pin::parse(text).map_err(|e| invalid(Some(*line), e.to_string()))?;
            read.push(pin);
        }
        if let Some(g) = groups.get_mut(index) {
            g.sha1 += sha1;
            for pin in read {
                if !g.pins.contains(&pin) {
                    g.pins.push(pin);
                }
            }
        }
    }
    if let Some(g) = groups.iter().find(|g| g.pins.is_empty() && g.sha1 > 0) {
        return Err(invalid(
            Some(g.line),
            format!(
                "{:?} has only sha1/ pins: certpin cannot import them and the entry would pin nothing; compute the keys' sha256/ pins (certpin pins cert.pem)",
                g.written
            ),
        ));
    }
    // OkHttp's union of matching patterns, where certpin can express it.
    let mut merged: Vec<Vec<Pin>> = groups.iter().map(|g| g.pins.clone()).collect();
    for (i, g) in groups.iter().enumerate() {
        for h in groups.iter() {
            if h.host == g.host {
                continue;
            }
            if covers(&h.host, &g.host) {
                let Some(target) = merged.get_mut(i) else {
                    continue;
                };
                let before = target.len();
                for pin in &h.pins {
                    if !target.contains(pin) {
                        target.push(pin.clone());
                    }
                }
                findings.push(Finding::info(
                    FindingCode::ImportPinsMerged,
                    format!(
                        "line {}: {} also gets the {} pin(s) of {} (line {}), as OkHttp accepts the pins of every matching pattern ({} added)",
                        g.line,
                        g.written,
                        h.pins.len(),
                        h.written,
                        h.line,
                        target.len() - before
                    ),
                ));
            } else if shares_some(&h.host, &g.host) {
                findings.push(Finding::warning(
                    FindingCode::ImportPatternOverlap,
                    format!(
                        "line {}: {} and {} (line {}) both match {}, where OkHttp accepts the pins of both; certpin uses only {}'s pins there (stricter)",
                        g.line,
                        g.written,
                        h.written,
                        h.line,
                        g.host.name(),
                        g.written
                    ),
                ));
            }
        }
    }
    let entries = groups
        .iter()
        .zip(merged)
        .map(|(g, pins)| DomainEntry::of_active_pins(g.host.clone(), false, pins))
        .collect();
    let policy = Policy::new(entries).map_err(|e| match e {
        Error::PolicyInvalid { path, reason } => {
            let line = path
                .strip_prefix("domains[")
                .and_then(|r| r.split(']').next())
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|n| groups.get(n))
                .map(|g| g.line);
            invalid(line, reason)
        }
        other => other,
    })?;
    Ok(Import { policy, findings })
}

/// OkHttp's `decodeBase64()`: standard or URL-safe alphabet, padding optional.
fn decode_base64_lenient(b64: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let unpadded = b64.trim_end_matches('=');
    let standard: String = unpadded
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(standard.as_bytes())
        .ok()
}

fn is_below(name: &str, suffix: &str) -> bool {
    name.strip_suffix(suffix)
        .is_some_and(|head| head.len() > 1 && head.ends_with('.'))
}

/// Whether every name `narrow` matches is also matched by `broad` (OkHttp patterns:
/// no includeSubdomains).
fn covers(broad: &HostPattern, narrow: &HostPattern) -> bool {
    use HostPattern::{AnyDepth, Exact, OneLabel};
    match (broad, narrow) {
        (AnyDepth(p), Exact(n) | OneLabel(n) | AnyDepth(n)) => n == p || is_below(n, p),
        (OneLabel(p), Exact(n)) => n
            .strip_suffix(p.as_str())
            .and_then(|h| h.strip_suffix('.'))
            .is_some_and(|label| !label.is_empty() && !label.contains('.')),
        _ => false,
    }
}

/// Whether `broad` shares a name with `narrow` (the entry certpin picks for that name)
/// while neither covers the other: the one case is `*.p` and `**.l.p` (both match `l.p`,
/// where certpin picks `**.l.p`).
fn shares_some(broad: &HostPattern, narrow: &HostPattern) -> bool {
    use HostPattern::{AnyDepth, OneLabel};
    let one_below = |x: &str, p: &str| {
        x.strip_suffix(p)
            .and_then(|h| h.strip_suffix('.'))
            .is_some_and(|label| !label.is_empty() && !label.contains('.'))
    };
    match (broad, narrow) {
        (OneLabel(p), AnyDepth(x)) => one_below(x, p),
        _ => false,
    }
}

// ---- Export: CertificatePinner.Builder() calls (Kotlin) ----

pub(super) fn export(policy: &Policy) -> Result<String> {
    let domains = policy.domains();
    for (i, a) in domains.iter().enumerate() {
        sha256_only("okhttp", i, a)?;
        enforce_only("okhttp", i, a)?;
        need_active("okhttp", i, a)?;
        for (j, b) in domains.iter().enumerate().skip(i + 1) {
            if overlap(a, b) {
                return Err(unsupported(
                    "okhttp",
                    format!("{} and {} overlap: OkHttp accepts the pins of every matching pattern, certpin only the most specific entry's", who(i, a), who(j, b)),
                ));
            }
        }
    }
    // https://square.github.io/okhttp/5.x/okhttp/okhttp3/-certificate-pinner/
    let mut out = String::from("// Generated by certpin. OkHttp CertificatePinner (okhttp3).\nval certificatePinner = CertificatePinner.Builder()\n");
    for d in domains {
        for note in notes(d, true, true, true) {
            let _ = writeln!(out, "    // {note}");
        }
        let pattern = match &d.host {
            HostPattern::Exact(n) if d.include_subdomains => format!("**.{n}"),
            other => other.to_string(),
        };
        let pins: Vec<String> = active(d).iter().map(|p| format!("\"{}\"", p.pin)).collect();
        let _ = writeln!(
            out,
            "    .add(\n        \"{pattern}\",\n        {},\n    )",
            pins.join(",\n        ")
        );
    }
    out.push_str("    .build()\n");
    Ok(out)
}

/// Whether some name is matched by both entries.
fn overlap(a: &DomainEntry, b: &DomainEntry) -> bool {
    let probes = |d: &DomainEntry| -> Vec<String> {
        let n = d.host.name();
        vec![
            n.to_string(),
            format!("certpin-probe.{n}"),
            format!("certpin-probe.certpin-probe.{n}"),
        ]
    };
    probes(a).iter().chain(probes(b).iter()).any(|n| {
        a.host.matches(n, a.include_subdomains).is_some()
            && b.host.matches(n, b.include_subdomains).is_some()
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn p(s: &str) -> HostPattern {
        HostPattern::parse(s).unwrap()
    }

    #[test]
    fn coverage_table() {
        let table = [
            ("**.example.com", "example.com", true, false),
            ("**.example.com", "a.b.example.com", true, false),
            ("**.example.com", "*.example.com", true, false),
            ("**.example.com", "**.api.example.com", true, false),
            ("**.example.com", "example.org", false, false),
            ("**.example.com", "badexample.com", false, false),
            ("*.example.com", "api.example.com", true, false),
            ("*.example.com", "a.b.example.com", false, false),
            ("*.example.com", "example.com", false, false),
            ("*.example.com", "**.api.example.com", false, true),
            ("*.example.com", "**.a.b.example.com", false, false),
            ("*.example.com", "**.example.com", false, false),
            ("**.api.example.com", "*.example.com", false, false),
            ("api.example.com", "api.example.com", false, false),
        ];
        for (broad, narrow, cover, some) in table {
            assert_eq!(
                covers(&p(broad), &p(narrow)),
                cover,
                "{broad} covers {narrow}"
            );
            assert_eq!(
                shares_some(&p(broad), &p(narrow)),
                some,
                "{broad} ~ {narrow}"
            );
        }
    }

    #[test]
    fn tokens_keep_lines_and_skip_comments() {
        let t = tokens("a /* x\n\"y\" */ \"b\\u0041\"\n// \"c\"\n'\"' \"$d\"").unwrap();
        assert_eq!(
            t,
            vec![
                (Token::Ident("a".into()), 1),
                (Token::Str(Some("bA".into())), 2),
                (Token::Other, 4),
                (Token::Str(None), 4),
            ]
        );
    }
}
