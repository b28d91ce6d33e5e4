// certpin/node for Deno (node:tls, node:https): the adapters bound to the Deno entry,
// which loads its wasm without --allow-read. Deno >= 2.7.12 exposes the served chain.
import * as certpin from "./deno.js";
import core from "./node-adapter-core.cjs";

import reportSenderModule from "./node-report-sender.cjs";

const adapter = core.makeAdapter(certpin);

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
} = adapter;
// reportSender (issue 19)
export const reportSender = reportSenderModule.makeReportSender(adapter);
