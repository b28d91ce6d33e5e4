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
// The JavaScript parts of the API (CertpinError, ERROR_CODES, ...), listed by the build.
export { /*@SHARED_EXPORTS@*/ } from "./shared.js";
import { CertpinError } from "./shared.js";

let ready = null;

/**
 * Loads the wasm; later calls return the same promise. A failed load rejects with a
 * CertpinError (INVALID_ARGUMENT, the original error as `cause`) that says how to serve
 * or pass the wasm, and may be retried.
 */
export function init(source) {
  if (ready === null) {
    ready = initGlue(source === undefined ? undefined : { module_or_path: source }).then(
      () => undefined,
      (error) => {
        ready = null;
        const from = source === undefined ? `certpin_bg.wasm beside ${import.meta.url}` : "the source given to init()";
        const failure = new CertpinError(
          `certpin could not load its wasm from ${from}: ${error?.message ?? error}. ` +
            "Serve certpin_bg.wasm beside the entry (Content-Type application/wasm), or pass it to init(source) " +
            "as a URL, Response, bytes or WebAssembly.Module; the package README has a recipe for each bundler",
          "INVALID_ARGUMENT",
        );
        failure.cause = error;
        throw failure;
      },
    );
  }
  return ready;
}

export default init;
