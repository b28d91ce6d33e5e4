// ESM entry of certpin/node: the CommonJS module, so both share one wasm instance.
import adapter from "./node-adapter.cjs";

// Every name of certpin/node, listed by the build from node-adapter.cjs's exports.
export const { /*@ADAPTER_EXPORTS@*/ } = adapter;
