//! curl's `--pinnedpubkey`: export only.

use super::export::{enforce_only, pins_only, sha256_only, unsupported};
use crate::error::Result;
use crate::policy::{PinPosition, PinState, Policy};

pub(super) fn export(policy: &Policy) -> Result<String> {
    // https://curl.se/docs/manpage.html#--pinnedpubkey : sha256//<base64>;sha256//<base64>
    let [d] = policy.domains() else {
        return Err(unsupported(
            "curl",
            "--pinnedpubkey pins one connection: export a policy with exactly one entry",
        ));
    };
    sha256_only("curl", 0, d)?;
    pins_only("curl", 0, d)?;
    enforce_only("curl", 0, d)?;
    if let Some(p) = d
        .pins
        .iter()
        .find(|p| p.state != PinState::Active || p.position != PinPosition::Any)
    {
        return Err(unsupported(
            "curl",
            format!(
                "pin {} is {} / {}: --pinnedpubkey takes only active pins matched anywhere",
                p.pin,
                p.state.name(),
                p.position.name()
            ),
        ));
    }
    Ok(d.pins
        .iter()
        .map(|p| format!("sha256//{}", p.pin.base64()))
        .collect::<Vec<_>>()
        .join(";"))
}
