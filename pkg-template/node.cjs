"use strict";
// Node entry, CommonJS: wasm-bindgen's nodejs glue reads and instantiates the wasm
// synchronously on first require. node.mjs re-exports this module, so `import` and
// `require` in one process share a single wasm instance (no dual-package hazard).
const glue = require("./certpin_node.cjs");

// Chain checks verify signatures with node:crypto (OpenSSL) instead of the pure-Rust
// verifier in wasm, which is 10-25x slower; both give identical answers (tested).
glue.setNativeVerifier(require("./node-verifier.cjs").createNodeVerifier());

/** Nothing to wait for in Node: the wasm is ready once this module has loaded. */
function init() {
  return Promise.resolve();
}

// The wasm exports (parseChain, computePins, ...), listed by the build from the glue.
const WASM_EXPORTS = /*@WASM_EXPORTS_JSON@*/[];

const api = { ...require("./shared.cjs"), init, default: init };
for (const name of WASM_EXPORTS) api[name] = glue[name];
module.exports = api;
