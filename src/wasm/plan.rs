//! `policy.plan({ chains, now?, updateLagDays? })`: reads the options and hands them to
//! `crate::plan`, which decides everything.

use super::{get, integer_option, invalid, js_error, now_of, options_of, parts_of, to_js};
use super::{JsResult, PinPolicy};
use crate::chain::parse_chain;
use crate::error::Result;
use crate::limits::{MAX_PLAN_HOSTS, MAX_UPDATE_LAG_DAYS};
use crate::plan::{plan, PlanOptions, DEFAULT_UPDATE_LAG_DAYS};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
impl PinPolicy {
    /// `policy.plan({ chains: { [host]: ChainInput }, now?, updateLagDays? })`: per host,
    /// the lockout date and the steps of a safe rotation (`crate::plan`).
    pub fn plan(&self, options: JsValue) -> JsResult<JsValue> {
        let run = || -> Result<crate::plan::Plan> {
            let options = options_of(&options, &["chains", "now", "updateLagDays"])?;
            let now_ms = now_of(&options)?;
            let update_lag_days =
                integer_option(&options, "updateLagDays", MAX_UPDATE_LAG_DAYS as f64)?
                    .unwrap_or(DEFAULT_UPDATE_LAG_DAYS);
            let chains = get(&options, "chains").ok_or_else(|| {
                invalid(
                    "chains",
                    "plan needs { chains: { \"host\": chain } }: the chain each host serves now",
                )
            })?;
            if !chains.is_object() || Array::is_array(&chains) {
                return Err(invalid(
                    "chains",
                    "must be an object mapping each host to the chain it serves",
                ));
            }
            let object: &Object = chains.unchecked_ref();
            let keys = Object::keys(object);
            if keys.length() as usize > MAX_PLAN_HOSTS {
                return Err(invalid(
                    "chains",
                    format!(
                        "over the limit of {MAX_PLAN_HOSTS} hosts per plan: plan them in parts"
                    ),
                ));
            }
            let mut parsed = Vec::new();
            for key in keys.iter() {
                let host = key.as_string().unwrap_or_default();
                let chain = Reflect::get(object, &key).unwrap_or(JsValue::UNDEFINED);
                parsed.push((host, parse_chain(&parts_of(&chain)?)?));
            }
            plan(
                &self.policy,
                &parsed,
                &PlanOptions {
                    now_ms,
                    update_lag_days,
                },
                &super::verifier(),
            )
        };
        to_js(&run().map_err(js_error)?)
    }
}
