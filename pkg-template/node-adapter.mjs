// ESM entry of certpin/node: the CommonJS module, so both share one wasm instance.
import adapter from "./node-adapter.cjs";

export const {
  pinTlsSocket,
  pinnedCheckServerIdentity,
  pinnedAgent,
  pinnedDispatcher,
  pinnedFetch,
  pinnedPoolFactory,
  peerChain,
  CertpinError,
  STATUS_CODES,
  policyUpdater,
} = adapter;
export const { reportSender } = adapter;
