// workerd smoke test: a real workerd server on 127.0.0.1 (a free port chosen by the
// kernel, reported back on workerd's control fd) runs a worker that imports the
// package's `workerd` entry, as resolved from pkg/package.json's exports, with the
// .wasm as a module. It computes a pin in the worker; node:crypto gives the expected one.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { resolveExport, smokeCase } from "../support/helpers.mjs";
import { startWorkerd } from "../support/workerd-harness.mjs";

const WORKER = `
import { computePins, CertpinError, ERROR_CODES } from "certpin";

export default {
  async fetch(request) {
    const body = await request.text();
    try {
      return Response.json({ pins: computePins(body) });
    } catch (error) {
      return Response.json({
        error: { name: error.name, code: error.code, isCertpinError: error instanceof CertpinError },
        codes: ERROR_CODES,
      });
    }
  },
};
`;

let workerd;
let baseUrl;

before(async () => {
  // wrangler resolves the `workerd` condition first; so does the harness.
  assert.equal(resolveExport(["workerd", "worker", "browser", "import"]), "workerd.js");
  workerd = await startWorkerd({ name: "workerd", worker: WORKER });
  baseUrl = workerd.url;
});

after(async () => workerd?.stop());

test("workerd: the workerd entry computes the same pin as node:crypto", async () => {
  const { pem, pin } = smokeCase();
  const response = await fetch(baseUrl, { method: "POST", body: pem });
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { pins: [pin] });
});

test("workerd: errors are CertpinErrors with a code, and the module keeps working", async () => {
  const bad = await (await fetch(baseUrl, { method: "POST", body: "" })).json();
  assert.deepEqual(bad.error, { name: "CertpinError", code: "INPUT_EMPTY", isCertpinError: true });
  assert.ok(bad.codes.includes("INPUT_EMPTY"));
  const { pem, pin } = smokeCase();
  const again = await (await fetch(baseUrl, { method: "POST", body: pem })).json();
  assert.deepEqual(again, { pins: [pin] });
});
