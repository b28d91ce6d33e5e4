// Browser entry (also the default for bundlers). The wasm is fetched and compiled
// asynchronously, so `await init()` once before calling anything else:
//
//   import init, { computePins } from "certpin";
//   await init();                 // fetches certpin_bg.wasm next to this file
//
// `init(source)` accepts another URL, a Response, the bytes or a WebAssembly.Module.
import initGlue from "./certpin_web.js";

// The wasm exports (parseChain, computePins, ...), listed by the build from the glue.
export { /*@WASM_EXPORTS@*/ } from "./certpin_web.js";
export { CertpinError, ERROR_CODES } from "./shared.js";

let ready = null;

/** Loads the wasm; later calls return the same promise. A failed load may be retried. */
export function init(source) {
  if (ready === null) {
    ready = initGlue(source === undefined ? undefined : { module_or_path: source }).then(
      () => undefined,
      (error) => {
        ready = null;
        throw error;
      },
    );
  }
  return ready;
}

export default init;
