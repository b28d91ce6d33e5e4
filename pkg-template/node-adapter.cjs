"use strict";
// certpin/node for Node, CommonJS: the adapters bound to the Node entry's wasm instance.
module.exports = require("./node-adapter-core.cjs").makeAdapter(require("./node.cjs"));
