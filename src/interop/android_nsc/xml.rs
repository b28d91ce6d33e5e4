//! A strict reader for the XML subset of an Android network security config.

use super::nsc;
use crate::error::Result;
use crate::limits::MAX_XML_DEPTH;

/// A parsed XML element of the small subset Android's config uses.
#[derive(Debug)]
pub(crate) struct Element {
    pub(crate) name: String,
    pub(crate) attributes: Vec<(String, String)>,
    pub(crate) children: Vec<Element>,
    pub(crate) text: String,
}

/// Reads `xml` (already bounded by the caller) into its root element.
pub(super) fn document(xml: &str) -> Result<Element> {
    XmlReader {
        s: xml,
        at: 0,
        depth: 0,
    }
    .document()
}

/// A strict reader for the XML subset of a network security config: an optional XML
/// declaration, comments, elements with double- or single-quoted attributes, text with
/// the five predefined entities. No DTD, CDATA, processing instructions or namespaces.
struct XmlReader<'a> {
    s: &'a str,
    at: usize,
    depth: usize,
}

impl XmlReader<'_> {
    fn rest(&self) -> &str {
        self.s.get(self.at..).unwrap_or_default()
    }
    fn skip_ws(&mut self) {
        let trimmed = self.rest().trim_start();
        self.at = self.s.len() - trimmed.len();
    }
    fn skip_misc(&mut self) -> Result<()> {
        loop {
            self.skip_ws();
            if self.rest().starts_with("<!--") {
                let end = self
                    .rest()
                    .find("-->")
                    .ok_or_else(|| nsc("a comment is not closed"))?;
                self.at += end + 3;
            } else {
                return Ok(());
            }
        }
    }
    fn document(mut self) -> Result<Element> {
        let rest = self.rest().trim_start_matches('\u{feff}');
        self.at = self.s.len() - rest.len();
        self.skip_ws();
        if self.rest().starts_with("<?xml") {
            let end = self
                .rest()
                .find("?>")
                .ok_or_else(|| nsc("the XML declaration is not closed"))?;
            self.at += end + 2;
        }
        self.skip_misc()?;
        let root = self.element()?;
        self.skip_misc()?;
        if !self.rest().is_empty() {
            return Err(nsc("content after the root element"));
        }
        Ok(root)
    }
    fn name(&mut self) -> Result<String> {
        let n: String = self
            .rest()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
            .collect();
        if n.is_empty() {
            return Err(nsc(format!("expected a name at byte {}", self.at)));
        }
        self.at += n.len();
        Ok(n)
    }
    fn element(&mut self) -> Result<Element> {
        self.depth += 1;
        if self.depth > MAX_XML_DEPTH {
            return Err(nsc(format!("elements nest deeper than {MAX_XML_DEPTH}")));
        }
        if !self.rest().starts_with('<')
            || self.rest().starts_with("<!")
            || self.rest().starts_with("<?")
        {
            return Err(nsc(format!("expected an element at byte {} (DTDs, CDATA and processing instructions are not supported)", self.at)));
        }
        self.at += 1;
        let name = self.name()?;
        let mut attributes: Vec<(String, String)> = Vec::new();
        loop {
            self.skip_ws();
            if self.rest().starts_with("/>") {
                self.at += 2;
                self.depth -= 1;
                return Ok(Element {
                    name,
                    attributes,
                    children: vec![],
                    text: String::new(),
                });
            }
            if self.rest().starts_with('>') {
                self.at += 1;
                break;
            }
            let key = self.name()?;
            self.skip_ws();
            if !self.rest().starts_with('=') {
                return Err(nsc(format!("attribute {key:?} of <{name}> has no value")));
            }
            self.at += 1;
            self.skip_ws();
            let quote = self
                .rest()
                .chars()
                .next()
                .filter(|c| *c == '"' || *c == '\'')
                .ok_or_else(|| nsc(format!("attribute {key:?} of <{name}> is not quoted")))?;
            self.at += 1;
            let end = self
                .rest()
                .find(quote)
                .ok_or_else(|| nsc(format!("attribute {key:?} of <{name}> is not closed")))?;
            let raw = self.rest().get(..end).unwrap_or_default().to_string();
            self.at += end + 1;
            if attributes.iter().any(|(k, _)| *k == key) {
                return Err(nsc(format!("attribute {key:?} of <{name}> appears twice")));
            }
            attributes.push((key, unescape(&raw)?));
        }
        let mut children = Vec::new();
        let mut text = String::new();
        loop {
            if self.rest().starts_with("<!--") {
                self.skip_misc()?;
                continue;
            }
            if let Some(after) = self.rest().strip_prefix("</") {
                let close: String = after.chars().take_while(|c| *c != '>').collect();
                if close.trim() != name {
                    return Err(nsc(format!("</{}> closes <{name}>", close.trim())));
                }
                self.at += 2 + close.len() + 1;
                if !self.s.get(..self.at).is_some_and(|s| s.ends_with('>')) {
                    return Err(nsc(format!("</{name} is not closed")));
                }
                self.depth -= 1;
                if !children.is_empty() && !text.trim().is_empty() {
                    return Err(nsc(format!("<{name}> mixes text and elements")));
                }
                return Ok(Element {
                    name,
                    attributes,
                    children,
                    text: unescape(&text)?,
                });
            }
            if self.rest().starts_with('<') {
                children.push(self.element()?);
                continue;
            }
            let chunk: String = self.rest().chars().take_while(|c| *c != '<').collect();
            if chunk.is_empty() {
                return Err(nsc(format!("<{name}> is not closed")));
            }
            self.at += chunk.len();
            text.push_str(&chunk);
        }
    }
}

fn unescape(s: &str) -> Result<String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(rest.get(..i).unwrap_or_default());
        let after = rest.get(i..).unwrap_or_default();
        let end = after
            .find(';')
            .ok_or_else(|| nsc("an entity reference is not closed"))?;
        let entity = after.get(..=end).unwrap_or_default();
        out.push(match entity {
            "&amp;" => '&',
            "&lt;" => '<',
            "&gt;" => '>',
            "&quot;" => '"',
            "&apos;" => '\'',
            other => return Err(nsc(format!("entity {other} is not supported"))),
        });
        rest = after.get(end + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    Ok(out)
}
