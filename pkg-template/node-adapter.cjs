"use strict";
// certpin/node for Node, CommonJS: the adapters bound to the Node entry's wasm instance.
const certpin = require("./node.cjs");
module.exports = {
  ...require("./node-adapter-core.cjs").makeAdapter(certpin),
  // Signed policy bundles (issue 18).
  ...require("./node-updater.cjs").makeUpdater(certpin),
};
