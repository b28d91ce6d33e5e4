// workerd (Cloudflare Workers) entry. workerd forbids compiling wasm from bytes at run
// time, so the .wasm is imported as a module (a WebAssembly.Module) and instantiated
// synchronously. Wrangler picks this file through the `workerd` export condition.
import wasmModule from "./certpin_bg.wasm";
import { initSync } from "./certpin_web.js";

initSync({ module: wasmModule });

// The wasm exports (parseChain, computePins, ...), listed by the build from the glue.
export { /*@WASM_EXPORTS@*/ } from "./certpin_web.js";
// The JavaScript parts of the API (CertpinError, ERROR_CODES, ...), listed by the build.
export { /*@SHARED_EXPORTS@*/ } from "./shared.js";

/** Nothing to wait for in workerd: the wasm is ready once this module has loaded. */
export function init() {
  return Promise.resolve();
}

export default init;
