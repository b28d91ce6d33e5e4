//! Strict DER framing (X.690 section 10): one-byte tags, definite lengths in their
//! minimal form, at most 4 length bytes. The one TLV reader behind every structure
//! certpin reads by hand: signature fields (`crate::signature::verify`), the certificate fields
//! x509-parser is lenient about (`crate::x509::cert::strict`), the precertificate rebuild of
//! Certificate Transparency, OCSP responses and CRLs (`crate::revocation`). Every read is
//! bounded by its input and nothing here allocates.

/// One element: its tag, its content, its whole encoding (header included), and what
/// follows it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tlv<'a> {
    pub tag: u8,
    pub content: &'a [u8],
    pub raw: &'a [u8],
    pub rest: &'a [u8],
}

/// Why an element is not DER.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DerError {
    /// No bytes where an element was expected.
    Missing,
    /// A high tag number (tag byte `0x1f` in its low bits): nothing certpin reads uses one.
    MultiByteTag(u8),
    /// The length is cut off.
    TruncatedLength,
    /// `0x80`: BER's indefinite length.
    Indefinite,
    /// More than 4 length bytes.
    LongLength,
    /// A long-form length that could be shorter (a leading zero, or under 128).
    NonMinimal,
    /// The content runs past the end of the input.
    TruncatedContent(usize),
}

impl DerError {
    pub fn message(self) -> String {
        match self {
            DerError::Missing => "truncated: a field is missing".into(),
            DerError::MultiByteTag(tag) => format!("unsupported multi-byte tag {tag:#04x}"),
            DerError::TruncatedLength => "truncated length".into(),
            DerError::Indefinite => "indefinite length (BER, not DER)".into(),
            DerError::LongLength => "a length over 4 bytes".into(),
            DerError::NonMinimal => "a non-minimal length".into(),
            DerError::TruncatedContent(len) => {
                format!("truncated: a field of {len} bytes runs past the end")
            }
        }
    }
}

/// Reads the element at the start of `input`. Not inlined: certpin is built at
/// opt-level 3, where inlining it into every field read made the code several KB larger
/// for no measurable speed.
#[inline(never)]
pub(crate) fn read(input: &[u8]) -> Result<Tlv<'_>, DerError> {
    let (&tag, after_tag) = input.split_first().ok_or(DerError::Missing)?;
    if tag & 0x1f == 0x1f {
        return Err(DerError::MultiByteTag(tag));
    }
    let (&first, after_first) = after_tag.split_first().ok_or(DerError::TruncatedLength)?;
    let (len, after_length) = if first < 0x80 {
        (usize::from(first), after_first)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 {
            return Err(DerError::Indefinite);
        }
        if count > 4 {
            return Err(DerError::LongLength);
        }
        let bytes = after_first.get(..count).ok_or(DerError::TruncatedLength)?;
        if bytes.first() == Some(&0) {
            return Err(DerError::NonMinimal);
        }
        let len = bytes
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        if len < 0x80 {
            return Err(DerError::NonMinimal);
        }
        (len, after_first.get(count..).unwrap_or_default())
    };
    let content = after_length
        .get(..len)
        .ok_or(DerError::TruncatedContent(len))?;
    let header = input.len() - after_length.len();
    Ok(Tlv {
        tag,
        content,
        raw: input.get(..header + len).unwrap_or_default(),
        rest: after_length.get(len..).unwrap_or_default(),
    })
}

/// [`read`] as `(tag, content, rest)`, `None` when the element is not DER.
pub(crate) fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    read(input).ok().map(|t| (t.tag, t.content, t.rest))
}

/// Appends `tag`, the minimal DER length of `content` and `content` to `out`.
pub(crate) fn write(out: &mut Vec<u8>, tag: u8, content: &[u8]) {
    out.push(tag);
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let significant = bytes.get(skip..).unwrap_or_default();
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
    out.extend_from_slice(content);
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn lengths_round_trip_and_non_der_is_refused() {
        for len in [0usize, 1, 127, 128, 255, 256, 65_535, 65_536] {
            let content = vec![7u8; len];
            let mut out = Vec::new();
            write(&mut out, 0x30, &content);
            let t = read(&out).expect("reads back");
            assert_eq!(
                (t.tag, t.content.len(), t.raw.len(), t.rest.len()),
                (0x30, len, out.len(), 0)
            );
        }
        let cases: [(&[u8], DerError); 7] = [
            (&[], DerError::Missing),
            (&[0x1f, 0x01, 0], DerError::MultiByteTag(0x1f)),
            (&[0x04], DerError::TruncatedLength),
            (&[0x04, 0x80], DerError::Indefinite),
            (&[0x04, 0x85, 1, 1, 1, 1, 1], DerError::LongLength),
            (&[0x04, 0x81, 0x05, 1, 2, 3, 4, 5], DerError::NonMinimal),
            (&[0x30, 0x03, 0, 0], DerError::TruncatedContent(3)),
        ];
        for (input, error) in cases {
            assert_eq!(read(input).map(|t| t.tag), Err(error), "{input:?}");
        }
        assert_eq!(
            read(&[0x30, 0x82, 0x00, 0x80]).map(|t| t.tag),
            Err(DerError::NonMinimal)
        );
        assert_eq!(
            tlv(&[0x04, 0x01, 9, 5]),
            Some((0x04, &[9u8][..], &[5u8][..]))
        );
    }
}
