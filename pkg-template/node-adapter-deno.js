// certpin/node for Deno (node:tls, node:https): the adapters bound to the Deno entry,
// which loads its wasm without --allow-read. Deno >= 2.7.12 exposes the served chain.
import * as certpin from "./deno.js";
import core from "./node-adapter-core.cjs";
import updater from "./node-updater.cjs";

import reportSenderModule from "./node-report-sender.cjs";

const adapter = { ...core.makeAdapter(certpin), ...updater.makeUpdater(certpin) };

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
// A queueing, batching onReport over its own agent.
export const reportSender = reportSenderModule.makeReportSender(adapter);
