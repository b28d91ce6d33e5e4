// certpin/node for Deno (node:tls, node:https): the adapters bound to the Deno entry,
// which loads its wasm without --allow-read. Deno >= 2.7.12 exposes the served chain.
// Put together as node-adapter.cjs does for Node; the modules are imported here because
// a relative require() would need read permission in Deno.
import * as certpin from "./deno.js";
import core from "./node-adapter-core.cjs";
import updater from "./node-updater.cjs";

import reportSenderModule from "./node-report-sender.cjs";

const adapter = { ...core.makeAdapter(certpin), ...updater.makeUpdater(certpin) };
// A queueing, batching onReport over its own agent.
adapter.reportSender = reportSenderModule.makeReportSender(adapter);

// Every name of certpin/node, listed by the build from node-adapter.cjs's exports.
export const { /*@ADAPTER_EXPORTS@*/ } = adapter;
