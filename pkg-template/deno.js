// Deno entry (`import ... from "npm:certpin"`, or this file by path). Deno resolves the
// `deno` export condition before `node`. A source-phase import hands us the compiled
// WebAssembly.Module, so no --allow-read is needed and everything is ready once the
// import resolves (tested with Deno 2.9).
import source wasmModule from "./certpin_bg.wasm";
import { initSync, setNativeVerifier } from "./certpin_web.js";

import { createNodeVerifier } from "./node-verifier.cjs";

initSync({ module: wasmModule });
// Chain checks verify signatures with Deno's node:crypto instead of the pure-Rust
// verifier in wasm, which is 10-25x slower; both give identical answers (tested).
setNativeVerifier(createNodeVerifier());

// The wasm exports (parseChain, computePins, ...), listed by the build from the glue.
export { /*@WASM_EXPORTS@*/ } from "./certpin_web.js";
// The JavaScript parts of the API (CertpinError, ERROR_CODES, ...), listed by the build.
export { /*@SHARED_EXPORTS@*/ } from "./shared.js";

/** Nothing to wait for in Deno: the wasm is ready once this module has loaded. */
export function init() {
  return Promise.resolve();
}

export default init;
