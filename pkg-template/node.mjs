// Node entry, ESM: the CommonJS entry re-exported, so that `import` and `require`
// share one wasm instance and one CertpinError.
import certpin from "./node.cjs";

// The wasm exports (parseChain, computePins, ...) are listed by the build from the glue.
export const { CertpinError, ERROR_CODES, init, /*@WASM_EXPORTS@*/ } = certpin;
export default init;
