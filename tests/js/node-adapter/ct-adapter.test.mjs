// certpin/node with a CT requirement: a real TLS server on 127.0.0.1 serves a
// leaf with embedded SCTs (made by ct-helpers.mjs with fresh keys); an entry with
// "ct": "enforce" lets the compliant leaf through and refuses the other with
// CT_INSUFFICIENT; "report" only reports.
import assert from "node:assert/strict";
import { test, before, after } from "node:test";
import tls from "node:tls";
import { computePins } from "certpin";
import { pinTlsSocket, STATUS_CODES } from "certpin/node";
import { DAY, ecKey, logList, makeCa, makeLeaf, makeLog, pem, rsaKey } from "../support/ct-helpers.mjs";

const now = Date.now();
const ca = makeCa("CT adapter test CA");
const logA = makeLog("Adapter test log A", ecKey());
const logB = makeLog("Adapter test log B", rsaKey());
const logA2 = makeLog("Adapter test log A2", ecKey());
const list = logList([{ name: "A", logs: [logA, logA2] }, { name: "B", logs: [logB] }], now - DAY);
const host = "ct.example.com";
const compliant = makeLeaf({ ca, host, notBefore: now - DAY, scts: [{ log: logA, timestamp: now - DAY + 1000 }, { log: logB, timestamp: now - DAY + 2000 }] });
const oneOperator = makeLeaf({ ca, host, notBefore: now - DAY, scts: [{ log: logA, timestamp: now - DAY + 1000 }, { log: logA2, timestamp: now - DAY + 2000 }] });
const policyOf = (ct) => ({ version: 1, domains: [{ host, pins: [computePins(new Uint8Array(ca.der))[0]], ct }] });

const servers = {};
function start(name, leaf) {
  return new Promise((resolve) => {
    const server = tls.createServer(
      { cert: pem(leaf.der) + pem(ca.der), key: leaf.leafKey.privateKey.export({ type: "pkcs8", format: "pem" }) },
      (socket) => socket.end("ok"),
    );
    server.listen(0, "127.0.0.1", () => {
      servers[name] = server;
      resolve();
    });
  });
}
before(async () => {
  await start("compliant", compliant);
  await start("oneOperator", oneOperator);
});
after(() => Object.values(servers).forEach((s) => s.close()));

function connect(name, policy, options) {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: "127.0.0.1", servername: host, port: servers[name].address().port, ca: pem(ca.der) });
    pinTlsSocket(socket, policy, options);
    let secure = false;
    socket.on("secureConnect", () => {
      secure = true;
    });
    socket.on("data", () => socket.end());
    socket.on("error", (error) => resolve({ error, socket }));
    socket.on("close", () => resolve({ error: null, socket, secure }));
  });
}

test("STATUS_CODES maps ct-insufficient to CT_INSUFFICIENT", () => {
  assert.equal(STATUS_CODES["ct-insufficient"], "CT_INSUFFICIENT");
});

test("ct: enforce passes the compliant leaf and refuses the one-operator leaf", async () => {
  const ok = await connect("compliant", policyOf("enforce"), { ct: { logList: list } });
  assert.equal(ok.error, null);
  assert.equal(ok.socket.certpinVerdict.status, "matched");
  const refused = await connect("oneOperator", policyOf("enforce"), { ct: { logList: list } });
  assert.ok(refused.error, "the connection is refused");
  assert.equal(refused.error.code, "CT_INSUFFICIENT");
  assert.equal(refused.error.verdict.status, "ct-insufficient");
  assert.ok(refused.error.verdict.findings.some((f) => f.code === "CT_TOO_FEW_OPERATORS"));
  // Without the log list an enforcing entry fails closed.
  const missing = await connect("compliant", policyOf("enforce"), {});
  assert.equal(missing.error?.code, "CT_INSUFFICIENT");
});

test("ct: report lets the one-operator leaf through and reports it", async () => {
  const reported = await connect("oneOperator", policyOf("report"), { ct: { logList: list } });
  assert.equal(reported.error, null);
  const verdict = reported.socket.certpinVerdict;
  assert.equal(verdict.status, "matched");
  assert.ok(verdict.findings.some((f) => f.code === "CT_INSUFFICIENT" && f.severity === "warning"));
});
