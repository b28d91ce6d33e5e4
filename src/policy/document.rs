//! The serialised form of a policy (`PinPolicy.toJSON()`, `lookup`): canonical hosts,
//! pins as `sha256/<base64>`, `expires` as an RFC 3339 instant.

use super::*;

/// The serialised form of a policy (what `PinPolicy.toJSON()` returns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyDocument {
    #[serde(rename = "$schema", skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub version: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub domains: Vec<DomainDocument>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainDocument {
    pub host: String,
    pub include_subdomains: bool,
    pub pins: Vec<PinDocument>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    pub mode: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_uri: Option<String>,
    /// Revocation: absent when `off`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revocation: Option<&'static str>,
    /// Certificate Transparency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ct: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum PinDocument {
    Plain(String),
    Detailed {
        pin: String,
        state: &'static str,
        position: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
}

impl Policy {
    /// The document again, canonical: normalised hosts, pins as `sha256/<base64>`,
    /// `expires` as an RFC 3339 instant. `Policy::from_value` reads it back unchanged.
    pub fn to_document(&self) -> PolicyDocument {
        let notes = &self.notes;
        PolicyDocument {
            schema: notes.schema.clone(),
            version: POLICY_VERSION,
            comment: notes.comment.clone(),
            domains: self
                .domains
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let (comment, pin_comments) = notes
                        .entries
                        .get(i)
                        .map(|(c, p)| (c.clone(), p.as_slice()))
                        .unwrap_or_default();
                    DomainDocument {
                        host: d.host.to_string(),
                        include_subdomains: d.include_subdomains,
                        pins: d
                            .pins
                            .iter()
                            .enumerate()
                            .map(|(j, p)| {
                                let comment = pin_comments.get(j).cloned().flatten();
                                if p.state == PinState::Active
                                    && p.position == PinPosition::Any
                                    && comment.is_none()
                                {
                                    PinDocument::Plain(p.pin.to_string())
                                } else {
                                    PinDocument::Detailed {
                                        pin: p.pin.to_string(),
                                        state: p.state.name(),
                                        position: p.position.name(),
                                        comment,
                                    }
                                }
                            })
                            .collect(),
                        expires: d.expires.map(UnixTime::to_rfc3339),
                        mode: d.mode.name(),
                        report_uri: d.report_uri.clone(),
                        // Written only when not the default.
                        revocation: (d.revocation != crate::revocation::RevocationMode::Off)
                            .then(|| d.revocation.name()),
                        ct: d.ct.map(Mode::name),
                        comment,
                    }
                })
                .collect(),
        }
    }

    /// `to_document` as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.to_document()).unwrap_or_default()
    }
}
