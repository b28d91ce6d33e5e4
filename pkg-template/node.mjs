// Node entry, ESM: the CommonJS entry re-exported, so that `import` and `require`
// share one wasm instance and one CertpinError.
import certpin from "./node.cjs";

// The JavaScript parts of the API (CertpinError, ERROR_CODES, ...) and the wasm exports
// (parseChain, computePins, ...) are listed by the build from shared.js and the glue.
export const { /*@SHARED_EXPORTS@*/, init, /*@WASM_EXPORTS@*/ } = certpin;
export default init;
