// Node entry, ESM: the CommonJS entry re-exported, so that `import` and `require`
// share one wasm instance and one CertpinError.
import certpin from "./node.cjs";

export const {
  parseChain,
  computePins,
  parsePin,
  formatPin,
  checkPins,
  diagnose,
  PinPolicy,
  errorCodes,
  CertpinError,
  ERROR_CODES,
  init,
} = certpin;
export default init;
