"use strict";
// certpin/node for Node, CommonJS: the adapters bound to the Node entry's wasm instance.
module.exports = require("./node-adapter-core.cjs").makeAdapter(require("./node.cjs"));
// reportSender (issue 19): a queueing, batching onReport over its own agent.
module.exports.reportSender = require("./node-report-sender.cjs").makeReportSender(module.exports);
