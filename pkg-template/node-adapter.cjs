"use strict";
// certpin/node for Node, CommonJS: the adapters bound to the Node entry's wasm instance.
const certpin = require("./node.cjs");
const adapter = {
  ...require("./node-adapter-core.cjs").makeAdapter(certpin),
  ...require("./node-updater.cjs").makeUpdater(certpin),
};
// A queueing, batching onReport over its own agent.
adapter.reportSender = require("./node-report-sender.cjs").makeReportSender(adapter);
module.exports = adapter;
