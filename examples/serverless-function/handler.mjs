// An AWS-Lambda-style function whose outgoing fetch is pinned with a certpin policy.
// `npm run build` bundles it with esbuild into one file, dist/index.js (CommonJS, the
// policy and certpin's wasm inside), whose `handler` is the function's entry point.
//
// The dispatcher is made once per container (module scope), so warm invocations reuse
// its pinned connections; every new TLS connection is checked before a byte is sent.
import { pinnedFetch } from "certpin/node";
import policy from "./pins.json" with { type: "json" };

const fetch = pinnedFetch(policy);

/** GETs UPSTREAM_URL (or `event.url`) through the pinned fetch and returns its status and body. */
export async function handler(event = {}) {
  const url = event.url ?? process.env.UPSTREAM_URL;
  if (typeof url !== "string") {
    return json(400, { error: "NO_URL", message: "set UPSTREAM_URL or pass { url } in the event" });
  }
  try {
    const response = await fetch(url);
    return json(200, { upstreamStatus: response.status, body: await response.text() });
  } catch (error) {
    // A refused connection rejects with a TypeError whose cause is certpin's
    // CertpinError: its code (PIN_MISMATCH, CHAIN_INVALID, ...) and a message that lists
    // the served and the expected pins.
    const cause = error?.cause;
    if (cause?.name === "CertpinError") {
      console.error(`pinning refused ${url}: ${cause.code}`);
      return json(502, { error: cause.code, message: cause.message });
    }
    return json(502, { error: "UPSTREAM_FAILED", message: String(cause?.message ?? error?.message ?? error) });
  }
}

function json(statusCode, body) {
  return { statusCode, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}
