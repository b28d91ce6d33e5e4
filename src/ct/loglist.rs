//! Log lists in the v3 JSON format Chrome publishes (`log_list_schema.json`): operators,
//! their logs (`logs` and static-CT `tiled_logs`), each log's key, state and previous
//! operators. The host supplies the list; certpin never fetches one.
//!
//! Fields certpin relies on are checked strictly (a `log_id` must be the SHA-256 of the
//! `key`, ids are unique, timestamps are RFC 3339); fields it does not use are ignored,
//! since the format grows (`tiled_logs`, `log_type`, URLs).

use crate::error::{Error, Result};
use crate::limits::{
    MAX_KEY_BYTES, MAX_LOGS, MAX_LOG_LIST_BYTES, MAX_OPERATORS, MAX_PREVIOUS_OPERATORS, MAX_TEXT,
};
use crate::time::UnixTime;
use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// A log's state (log list v3 `state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogState {
    Pending,
    Qualified,
    Usable,
    ReadOnly,
    Retired,
    Rejected,
}

impl LogState {
    pub fn name(self) -> &'static str {
        match self {
            LogState::Pending => "pending",
            LogState::Qualified => "qualified",
            LogState::Usable => "usable",
            LogState::ReadOnly => "readonly",
            LogState::Retired => "retired",
            LogState::Rejected => "rejected",
        }
    }
    /// Qualified, usable or read-only: a log whose SCTs count whenever they were made.
    pub fn is_current(self) -> bool {
        matches!(
            self,
            LogState::Qualified | LogState::Usable | LogState::ReadOnly
        )
    }
}

/// One log of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Log {
    pub log_id: [u8; 32],
    /// DER SubjectPublicKeyInfo.
    pub key: Vec<u8>,
    pub description: String,
    /// The operator that runs it now.
    pub operator: String,
    /// Earlier operators with the instant (ms) their operation ended, oldest first.
    pub previous_operators: Vec<(String, UnixTime)>,
    /// `None` when the list gives no state: such a log never counts.
    pub state: Option<(LogState, UnixTime)>,
}

impl Log {
    /// The operator at `at` (an SCT's timestamp): the first previous operator whose
    /// operation ended after it, else the current one.
    pub fn operator_at(&self, at: UnixTime) -> &str {
        self.previous_operators
            .iter()
            .find(|(_, end)| at < *end)
            .map_or(self.operator.as_str(), |(name, _)| name.as_str())
    }
}

/// A parsed log list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogList {
    pub version: Option<String>,
    /// `log_list_timestamp`.
    pub timestamp: UnixTime,
    pub logs: Vec<Log>,
}

fn invalid(path: &str, reason: impl Into<String>) -> Error {
    Error::LogListInvalid {
        path: if path.is_empty() {
            "$".into()
        } else {
            path.into()
        },
        reason: reason.into(),
    }
}

fn text(value: Option<&Value>, path: &str) -> Result<String> {
    let s = value
        .and_then(Value::as_str)
        .ok_or_else(|| invalid(path, "must be a string"))?;
    if s.chars().count() > MAX_TEXT {
        return Err(invalid(
            path,
            format!("over the limit of {MAX_TEXT} characters"),
        ));
    }
    Ok(s.to_string())
}

fn instant(value: Option<&Value>, path: &str) -> Result<UnixTime> {
    let s = value
        .and_then(Value::as_str)
        .ok_or_else(|| invalid(path, "must be an RFC 3339 timestamp string"))?;
    UnixTime::parse_rfc3339(s).ok_or_else(|| {
        invalid(
            path,
            format!(
                "{:?} is not an RFC 3339 timestamp",
                s.chars().take(64).collect::<String>()
            ),
        )
    })
}

impl LogList {
    /// Parses log list v3 JSON.
    pub fn from_json(json: &str) -> Result<LogList> {
        if json.len() > MAX_LOG_LIST_BYTES {
            return Err(invalid(
                "$",
                format!(
                    "the log list is {} bytes, over the limit of {MAX_LOG_LIST_BYTES}",
                    json.len()
                ),
            ));
        }
        // The policy's strict reader: a key twice in one object is refused, not "last wins".
        let crate::policy::StrictJson(value) = serde_json::from_str(json)
            .map_err(|e| invalid("$", format!("the log list is not valid JSON: {e}")))?;
        LogList::from_value(&value)
    }

    /// Reads an already-parsed log list.
    pub fn from_value(value: &Value) -> Result<LogList> {
        let root = value
            .as_object()
            .ok_or_else(|| invalid("$", "a log list is a JSON object (log list v3)"))?;
        let version = match root.get("version") {
            None => None,
            Some(v) => Some(text(Some(v), "version")?),
        };
        let timestamp = instant(root.get("log_list_timestamp"), "log_list_timestamp")?;
        let operators = root
            .get("operators")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid("operators", "must be an array (log list v3)"))?;
        if operators.len() > MAX_OPERATORS {
            return Err(invalid(
                "operators",
                format!(
                    "{} operators, over the limit of {MAX_OPERATORS}",
                    operators.len()
                ),
            ));
        }
        let mut logs: Vec<Log> = Vec::new();
        for (i, operator) in operators.iter().enumerate() {
            let path = format!("operators[{i}]");
            let object = operator
                .as_object()
                .ok_or_else(|| invalid(&path, "must be an object"))?;
            let name = text(object.get("name"), &format!("{path}.name"))?;
            for field in ["logs", "tiled_logs"] {
                let Some(list) = object.get(field) else {
                    continue;
                };
                let list = list
                    .as_array()
                    .ok_or_else(|| invalid(&format!("{path}.{field}"), "must be an array"))?;
                for (j, log) in list.iter().enumerate() {
                    if logs.len() == MAX_LOGS {
                        return Err(invalid(&path, format!("over the limit of {MAX_LOGS} logs")));
                    }
                    let log = parse_log(log, &name, &format!("{path}.{field}[{j}]"))?;
                    if logs.iter().any(|l| l.log_id == log.log_id) {
                        return Err(invalid(
                            &format!("{path}.{field}[{j}].log_id"),
                            "this log id appears twice in the list",
                        ));
                    }
                    logs.push(log);
                }
            }
        }
        Ok(LogList {
            version,
            timestamp,
            logs,
        })
    }

    /// The log with this id.
    pub fn log(&self, log_id: &[u8; 32]) -> Option<&Log> {
        self.logs.iter().find(|l| &l.log_id == log_id)
    }
}

fn parse_log(value: &Value, operator: &str, path: &str) -> Result<Log> {
    let object = value
        .as_object()
        .ok_or_else(|| invalid(path, "must be an object"))?;
    let description = text(object.get("description"), &format!("{path}.description"))?;
    let b64 = base64::engine::general_purpose::STANDARD;
    let key_text = text_unbounded(object.get("key"), &format!("{path}.key"))?;
    if key_text.len() > MAX_KEY_BYTES * 2 {
        return Err(invalid(&format!("{path}.key"), "the key is too long"));
    }
    let key = b64.decode(key_text).map_err(|_| {
        invalid(
            &format!("{path}.key"),
            "must be standard base64 of a DER SPKI",
        )
    })?;
    if key.len() > MAX_KEY_BYTES {
        return Err(invalid(&format!("{path}.key"), "the key is too long"));
    }
    let id_text = text(object.get("log_id"), &format!("{path}.log_id"))?;
    let id = b64.decode(&id_text).map_err(|_| {
        invalid(
            &format!("{path}.log_id"),
            "must be standard base64 of 32 bytes",
        )
    })?;
    let log_id: [u8; 32] = id.as_slice().try_into().map_err(|_| {
        invalid(
            &format!("{path}.log_id"),
            "must be standard base64 of 32 bytes",
        )
    })?;
    let computed: [u8; 32] = Sha256::digest(&key).into();
    if computed != log_id {
        return Err(invalid(
            &format!("{path}.log_id"),
            "is not the SHA-256 of the log's key (RFC 6962 3.2): the list is damaged",
        ));
    }
    let state = match object.get("state") {
        None => None,
        Some(state) => Some(parse_state(state, &format!("{path}.state"))?),
    };
    let mut previous_operators = Vec::new();
    if let Some(list) = object.get("previous_operators") {
        let p = format!("{path}.previous_operators");
        let list = list
            .as_array()
            .ok_or_else(|| invalid(&p, "must be an array"))?;
        if list.len() > MAX_PREVIOUS_OPERATORS {
            return Err(invalid(
                &p,
                format!("over the limit of {MAX_PREVIOUS_OPERATORS}"),
            ));
        }
        for (k, item) in list.iter().enumerate() {
            let item_path = format!("{p}[{k}]");
            let object = item
                .as_object()
                .ok_or_else(|| invalid(&item_path, "must be an object"))?;
            previous_operators.push((
                text(object.get("name"), &format!("{item_path}.name"))?,
                instant(object.get("end_time"), &format!("{item_path}.end_time"))?,
            ));
        }
        crate::sort::sort_by(&mut previous_operators, |(_, a), (_, b)| a.cmp(b));
    }
    Ok(Log {
        log_id,
        key,
        description,
        operator: operator.to_string(),
        previous_operators,
        state,
    })
}

fn text_unbounded<'a>(value: Option<&'a Value>, path: &str) -> Result<&'a str> {
    value
        .and_then(Value::as_str)
        .ok_or_else(|| invalid(path, "must be a string"))
}

fn parse_state(value: &Value, path: &str) -> Result<(LogState, UnixTime)> {
    let object = value
        .as_object()
        .ok_or_else(|| invalid(path, "must be an object with one state"))?;
    let mut found = None;
    for (name, body) in object {
        let state = match name.as_str() {
            "pending" => LogState::Pending,
            "qualified" => LogState::Qualified,
            "usable" => LogState::Usable,
            "readonly" => LogState::ReadOnly,
            "retired" => LogState::Retired,
            "rejected" => LogState::Rejected,
            other => {
                return Err(invalid(
                    path,
                    format!(
                        "unknown state {:?}",
                        other.chars().take(32).collect::<String>()
                    ),
                ))
            }
        };
        if found.is_some() {
            return Err(invalid(path, "a log has exactly one state"));
        }
        let at = instant(
            body.as_object().and_then(|o| o.get("timestamp")),
            &format!("{path}.{name}.timestamp"),
        )?;
        found = Some((state, at));
    }
    found.ok_or_else(|| invalid(path, "a log has exactly one state"))
}
