// The server behind `npm start`: www/ at /, the built package at /pkg/. The page's
// Content-Security-Policy allows no network connections at all (connect-src 'none'):
// pasted certificates never leave the page. So that the page needs no fetch() even for
// the wasm, /certpin-wasm.js hands it the wasm bytes as a base64 module, which
// `init(bytes)` compiles ('wasm-unsafe-eval' permits compiling, nothing else).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./tools.mjs";
import { createStaticServer } from "./static-server.mjs";

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export function createAppServer() {
  return createStaticServer({
    mounts: { "/pkg/": join(ROOT, "pkg"), "/": join(ROOT, "www") },
    routes: {
      "/certpin-wasm.js": () => ({
        type: "text/javascript; charset=utf-8",
        body: `export default ${JSON.stringify(readFileSync(join(ROOT, "pkg", "certpin_bg.wasm")).toString("base64"))};\n`,
      }),
    },
    headers: {
      "content-security-policy": CONTENT_SECURITY_POLICY,
      "referrer-policy": "no-referrer",
      "cross-origin-opener-policy": "same-origin",
    },
  });
}
