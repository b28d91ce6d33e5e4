// The README's examples run as written. Each fenced block preceded by a line
// `<!-- example: NAME (node|deno) -->` is saved to a file and run against a real TLS
// server on 127.0.0.1. The only changes: `api.example.com` (the examples' host) becomes
// the local server, `pins.json` is written with the test server's pins, and the test
// root is trusted through NODE_EXTRA_CA_CERTS (Node) / DENO_CERT (Deno).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import tls from "node:tls";
import { X509Certificate, createHash, createPublicKey } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, NODE_MODULES_BIN, ROOT, runProcess } from "./helpers.mjs";

const tlsFixture = (name) => join(FIXTURES, "tls", name);
const spkiPin = (pem) => "sha256/" + createHash("sha256").update(new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" })).digest("base64");
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const EXAMPLES = [...README.matchAll(/<!-- example: ([\w-]+) \((node|deno)\) -->\n```(?:js|javascript)\n([\s\S]*?)```/g)].map(
  ([, name, host, code]) => ({ name, host, code }),
);
// Inside tests/js, so that "certpin" resolves to the built package like in every test.
const WORK = join(ROOT, "tests", "js", ".tmp", "readme");

let server;
let port;
before(async () => {
  server = tls.createServer(
    { key: readFileSync(tlsFixture("good-leaf.key")), cert: Buffer.concat([readFileSync(tlsFixture("good-leaf.pem")), readFileSync(tlsFixture("good-intermediate.pem"))]) },
    (socket) => {
      socket.on("error", () => {});
      socket.once("data", () => socket.end("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok"));
    },
  );
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  port = server.address().port;
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const backup = "sha256/" + createHash("sha256").update(createPublicKey(readFileSync(tlsFixture("backup.pub.pem"))).export({ type: "spki", format: "der" })).digest("base64");
  writeFileSync(join(WORK, "pins.json"), JSON.stringify({
    version: 1,
    domains: [{ host: "localhost", pins: [spkiPin(readFileSync(tlsFixture("good-intermediate.pem"))), backup] }],
  }));
});
after(async () => {
  await new Promise((r) => server.close(r));
  rmSync(WORK, { recursive: true, force: true });
});

function localise(code) {
  return code
    .replaceAll("https://api.example.com", `https://localhost:${port}`)
    .replaceAll("port: 443", `port: ${port}`)
    .replaceAll("api.example.com", "localhost");
}

test("the README has runnable examples for https, fetch, tls.connect and Deno", () => {
  const names = EXAMPLES.map((e) => e.name);
  for (const wanted of ["https-get", "fetch", "tls-connect", "deno-https"]) assert.ok(names.includes(wanted), `README example ${wanted} is missing`);
});

for (const example of EXAMPLES) {
  test(`README example ${example.name} (${example.host}) runs against a pinned local server`, async () => {
    const file = join(WORK, `${example.name}.mjs`);
    writeFileSync(file, localise(example.code));
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: tlsFixture("good-root.pem"), DENO_CERT: tlsFixture("good-root.pem"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", DENO_DIR: join(WORK, ".deno") };
    const [command, args] = example.host === "deno"
      ? [join(NODE_MODULES_BIN, "deno"), ["run", "--no-prompt", "--allow-net", "--allow-read=pins.json", "--allow-sys", "--allow-env=NODE_USE_SYSTEM_CA", file]]
      : [process.execPath, [file]];
    const { stdout } = await runProcess(command, args, { cwd: WORK, env });
    // Every example prints what it got: an HTTP 200 or the verdict's status.
    assert.match(stdout, /\b(200|matched)\b/, `${example.name} printed: ${stdout}`);
  });
}
