// The adapter matrix: every adapter × every way a name reaches it × two
// servers on 127.0.0.1, started and stopped here: the genuine one (matrix-genuine, from
// the pinned intermediate) and an attacker whose chain comes from a second CA that the
// client trusts too (matrix-attacker, from rogue-root), so only the pin stands between
// them. Both certificates carry every name below (tests/fixtures/tls/make-matrix.sh), so
// Node's own checks pass for both and the pin alone decides. Every cell is its own test:
// the genuine server passes with a matched pin, the attacker is refused with a
// CertpinError before the server sees a single request byte, or the adapter refuses the
// configuration with a CertpinError. No cell is skipped.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import http2 from "node:http2";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import { X509Certificate, createHash, createPublicKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { PinPolicy, CertpinError } from "certpin";
import { pinnedAgent, pinnedDispatcher, pinnedFetch, pinnedPoolFactory, pinTlsSocket } from "certpin/node";
import { FIXTURES } from "../support/helpers.mjs";

const require = createRequire(import.meta.url);
const undici = require("undici");
const axios = require("axios");

const read = (name) => readFileSync(join(FIXTURES, "tls", name));
// Expected pins from node:crypto, never from certpin.
const spkiPin = (key) => "sha256/" + createHash("sha256").update(key.export({ type: "spki", format: "der" })).digest("base64");
const PIN = {
  intermediate: spkiPin(new X509Certificate(read("good-intermediate.pem")).publicKey),
  backup: spkiPin(createPublicKey(read("backup.pub.pem"))),
  attackerLeaf: spkiPin(new X509Certificate(read("matrix-attacker.pem")).publicKey),
};
const CA = [read("good-root.pem"), read("rogue-root.pem")];
const POLICY = new PinPolicy({
  version: 1,
  domains: ["api.example.com", "localhost", "127.0.0.1"].map((host) => ({ host, pins: [PIN.intermediate, PIN.backup] })),
});

const IDENTITY = {
  genuine: { key: read("matrix-genuine.key"), cert: Buffer.concat([read("matrix-genuine.pem"), read("good-intermediate.pem")]) },
  attacker: { key: read("matrix-attacker.key"), cert: read("matrix-attacker.pem") },
};

/** An HTTP/1.1 server over TLS that counts every application byte it receives. */
async function tlsServer(identity) {
  const state = { received: 0, sockets: new Set() };
  const server = tls.createServer({ ...identity, ALPNProtocols: ["http/1.1"] }, (socket) => {
    state.sockets.add(socket);
    socket.on("close", () => state.sockets.delete(socket));
    socket.on("error", () => {});
    let buffered = "";
    socket.on("data", (data) => {
      state.received += data.length;
      buffered += data.toString("latin1");
      if (buffered.includes("\r\n\r\n")) {
        buffered = "";
        socket.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
        socket.end();
      }
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.port = server.address().port;
  state.close = () => new Promise((resolve) => { server.close(resolve); for (const s of state.sockets) s.destroy(); });
  return state;
}

/**
 * An HTTP/2 server. Node's http2 reads the socket natively (no 'data' events), so what
 * the client sent is counted from the session: any SETTINGS frame or stream from the
 * client means it wrote bytes after the handshake.
 */
async function h2Server(identity) {
  const state = { received: 0, sessions: new Set() };
  const server = http2.createSecureServer({ ...identity, ALPNProtocols: ["h2"] });
  server.on("session", (session) => {
    state.sessions.add(session);
    session.on("remoteSettings", () => (state.received += 1));
    session.on("error", () => {});
  });
  server.on("stream", (stream) => {
    state.received += 1;
    stream.respond({ ":status": 200 });
    stream.end("ok");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.port = server.address().port;
  state.close = () => new Promise((resolve) => { server.close(resolve); for (const s of state.sessions) s.destroy(); });
  return state;
}

/** A CONNECT proxy that tunnels every target to 127.0.0.1 (its port kept). */
async function connectProxy() {
  const state = { targets: [], sockets: new Set() };
  const server = http.createServer((req, res) => res.writeHead(405).end());
  server.on("connect", (req, client, head) => {
    state.targets.push(req.url);
    const port = Number(req.url.slice(req.url.lastIndexOf(":") + 1));
    const upstream = net.connect(port, "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      state.sockets.add(s);
      s.on("error", () => {});
      s.on("close", () => { client.destroy(); upstream.destroy(); });
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.port = server.address().port;
  state.url = `http://127.0.0.1:${state.port}`;
  state.close = () => new Promise((resolve) => { server.close(resolve); for (const s of state.sockets) s.destroy(); });
  return state;
}

// A resolver that sends every name to 127.0.0.1 (the "custom lookup" way).
function toLoopback(hostname, options, callback) {
  if (typeof options === "function") callback = options;
  if (options && options.all) callback(null, [{ address: "127.0.0.1", family: 4 }]);
  else callback(null, "127.0.0.1", 4);
}

/**
 * The ways a name reaches an adapter. `host` is what the caller connects to (URL host or
 * tls/https host), `servername` the TLS name given apart from it, `lookup` a resolver;
 * `pinned` the policy entry that must apply (the name TLS verified, canonical).
 */
const WAYS = {
  "URL host is the name": { host: "localhost", pinned: "localhost" },
  "URL host is an IP, with servername": { host: "127.0.0.1", servername: "api.example.com", pinned: "api.example.com" },
  "custom lookup": { host: "api.example.com", lookup: toLoopback, pinned: "api.example.com" },
  // getaddrinfo does not resolve "localhost." here: the resolver sends it to 127.0.0.1.
  "trailing dot": { host: "localhost.", lookup: toLoopback, pinned: "localhost" },
  "upper case": { host: "LOCALHOST", pinned: "localhost" },
  "IP 127.0.0.1": { host: "127.0.0.1", pinned: "127.0.0.1" },
  "IP 127.1": { host: "127.1", pinned: "127.0.0.1" },
  "IP 2130706433": { host: "2130706433", pinned: "127.0.0.1" },
  "IP 0x7f.0.0.1": { host: "0x7f.0.0.1", pinned: "127.0.0.1" },
  "IP 0177.0.0.1": { host: "0177.0.0.1", pinned: "127.0.0.1" },
  "IP ::ffff:127.0.0.1": { host: "::ffff:127.0.0.1", pinned: "127.0.0.1" },
};

const urlOf = (way, port) => `https://${way.host.includes(":") ? `[${way.host}]` : way.host}:${port}/`;

/** The verdict of the connection a response came over. */
function verdictOfSocket(socket) {
  assert.ok(socket, "no socket to read the verdict from");
  return socket.certpinVerdict;
}

function httpsGet(way, port, agent) {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: way.host, servername: way.servername, lookup: way.lookup, port, path: "/", ca: CA, agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(verdictOfSocket(res.socket)));
    });
    req.on("error", reject);
    req.end();
  });
}

// Each adapter: run(way, server) resolves the verdict of the connection a request went
// through (its socket's certpinVerdict), or rejects with the adapter's error.
const ADAPTERS = {
  "pinnedAgent with https.request": {
    async run(way, server) {
      const agent = pinnedAgent(POLICY);
      try {
        return await httpsGet(way, server.port, agent);
      } finally {
        agent.destroy();
      }
    },
  },
  "axios with httpsAgent": {
    async run(way, server) {
      // Agent options reach every connection the agent makes (Node merges them in).
      const httpsAgent = pinnedAgent(POLICY, { ca: CA, servername: way.servername, lookup: way.lookup });
      try {
        const res = await axios.get(urlOf(way, server.port), { httpsAgent, proxy: false });
        assert.equal(res.data, "ok");
        return verdictOfSocket(res.request.socket);
      } catch (error) {
        throw error.cause instanceof CertpinError ? error.cause : error;
      } finally {
        httpsAgent.destroy();
      }
    },
  },
  pinnedFetch: {
    async run(way, server) {
      const fetch = pinnedFetch(POLICY, { connect: { ca: CA, servername: way.servername, lookup: way.lookup } });
      try {
        return await fetchVerdict(fetch, urlOf(way, server.port), {});
      } finally {
        await fetch.dispatcher.close();
      }
    },
  },
  "global fetch with pinnedDispatcher": {
    async run(way, server) {
      const dispatcher = pinnedDispatcher(POLICY, { connect: { ca: CA, servername: way.servername, lookup: way.lookup } });
      try {
        return await fetchVerdict(globalThis.fetch, urlOf(way, server.port), { dispatcher });
      } finally {
        await dispatcher.close();
      }
    },
  },
  "pinTlsSocket over tls.connect": {
    run(way, server) {
      return tlsExchange(() => tls.connect({ host: way.host, servername: way.servername, lookup: way.lookup, port: server.port, ca: CA }));
    },
  },
  "pinTlsSocket over tls.connect({ socket })": {
    // net.connect keeps no host for an IP literal, so without servername Node would
    // verify the certificate for "localhost": certpin refuses that configuration.
    refuses: (way) => net.isIP(way.host) !== 0 && !way.servername,
    run(way, server) {
      // The pattern of tunnels and custom DNS: the TCP socket is made first; Node then
      // verifies servername, else the wrapped socket's host.
      return tlsExchange(() => {
        const raw = net.connect({ host: way.host, lookup: way.lookup, port: server.port });
        return tls.connect({ socket: raw, servername: way.servername, ca: CA });
      });
    },
  },
  "pinTlsSocket through a CONNECT proxy (tunnel socket)": {
    run(way, server) {
      return tlsExchange(async () => {
        const tunnel = await openTunnel(`${way.host.includes(":") ? `[${way.host}]` : way.host}:${server.port}`);
        // The tunnel's own host is the proxy's: the origin's name must be given.
        return tls.connect({ socket: tunnel, servername: way.servername || way.host, ca: CA });
      });
    },
  },
  "undici ProxyAgent with pinnedPoolFactory": {
    async run(way, server) {
      const dispatcher = new undici.ProxyAgent({
        uri: proxy.url,
        requestTls: { ca: CA, servername: way.servername },
        factory: pinnedPoolFactory(POLICY),
      });
      const before = proxy.targets.length;
      try {
        const verdict = await fetchVerdict(undici.fetch, urlOf(way, server.port), { dispatcher });
        assert.ok(proxy.targets.length > before, "the request went through the proxy");
        return verdict;
      } finally {
        await dispatcher.close();
      }
    },
  },
  "undici EnvHttpProxyAgent with pinnedPoolFactory": {
    async run(way, server) {
      const dispatcher = new undici.EnvHttpProxyAgent({
        httpsProxy: proxy.url,
        noProxy: "",
        requestTls: { ca: CA, servername: way.servername },
        factory: pinnedPoolFactory(POLICY),
      });
      const before = proxy.targets.length;
      try {
        const verdict = await fetchVerdict(undici.fetch, urlOf(way, server.port), { dispatcher });
        assert.ok(proxy.targets.length > before, "the request went through the proxy");
        return verdict;
      } finally {
        await dispatcher.close();
      }
    },
  },
  "HTTP/2 through undici (allowH2)": {
    h2: true,
    async run(way, server) {
      const fetch = pinnedFetch(POLICY, { allowH2: true, connect: { ca: CA, servername: way.servername, lookup: way.lookup } });
      try {
        return await fetchVerdict(fetch, urlOf(way, server.port), {});
      } finally {
        await fetch.dispatcher.close();
      }
    },
  },
};

/**
 * A fetch through a pinned undici connection: resolves the verdict, rejects with the
 * CertpinError (fetch wraps it as `cause`). undici hides the socket, so the verdict is
 * taken from the connection's socket through the diagnostics channel.
 */
async function fetchVerdict(fetch, url, init) {
  const seen = [];
  const onConnected = ({ socket }) => seen.push(socket);
  const channel = require("node:diagnostics_channel").channel("undici:client:connected");
  channel.subscribe(onConnected);
  try {
    const response = await fetch(url, init);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "ok");
  } catch (error) {
    throw error.cause instanceof CertpinError ? error.cause : error;
  } finally {
    channel.unsubscribe(onConnected);
  }
  const verdicts = seen.map((s) => s.certpinVerdict).filter(Boolean);
  assert.equal(verdicts.length, 1, "one pinned connection made the request");
  return verdicts[0];
}

/** tls.connect + pinTlsSocket; writes a request on secureConnect and reads the answer. */
async function tlsExchange(open) {
  const socket = await open();
  return new Promise((resolve, reject) => {
    pinTlsSocket(socket, POLICY);
    socket.on("secureConnect", () => socket.write("GET / HTTP/1.1\r\nhost: x\r\n\r\n"));
    let body = "";
    socket.on("data", (d) => (body += d));
    socket.on("end", () => (body.endsWith("ok") ? resolve(socket.certpinVerdict) : reject(new Error(`no answer: ${body}`))));
    socket.on("error", reject);
  });
}

function openTunnel(target) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: proxy.port, method: "CONNECT", path: target, agent: false });
    req.on("connect", (res, socket) => (res.statusCode === 200 ? resolve(socket) : reject(new Error(`proxy said ${res.statusCode}`))));
    req.on("error", reject);
    req.end();
  });
}

let servers;
let proxy;
before(async () => {
  servers = {
    genuine: await tlsServer(IDENTITY.genuine),
    attacker: await tlsServer(IDENTITY.attacker),
    h2genuine: await h2Server(IDENTITY.genuine),
    h2attacker: await h2Server(IDENTITY.attacker),
  };
  proxy = await connectProxy();
});
after(async () => {
  await Promise.all([...Object.values(servers), proxy].map((s) => s.close()));
});

for (const [adapterName, adapter] of Object.entries(ADAPTERS)) {
  for (const [wayName, way] of Object.entries(WAYS)) {
    if (adapter.refuses && adapter.refuses(way)) {
      for (const side of ["genuine", "attacker"]) {
        test(`${adapterName} × ${wayName}: refused as a configuration (INVALID_ARGUMENT), ${side} server`, async () => {
          const server = servers[side];
          const before = server.received;
          const error = await adapter.run(way, server).then(() => assert.fail("the configuration must be refused"), (e) => e);
          assert.ok(error instanceof CertpinError, `not a CertpinError: ${error && error.stack}`);
          assert.equal(error.code, "INVALID_ARGUMENT", error.message);
          await new Promise((r) => setTimeout(r, 30));
          assert.equal(server.received, before, "the server saw request bytes");
        });
      }
      continue;
    }
    test(`${adapterName} × ${wayName}: the genuine server passes`, async () => {
      const server = adapter.h2 ? servers.h2genuine : servers.genuine;
      const verdict = await adapter.run(way, server);
      assert.equal(verdict.status, "matched", JSON.stringify(verdict));
      assert.equal(verdict.domain, way.pinned);
      assert.equal(verdict.matched.pin, PIN.intermediate);
    });
    test(`${adapterName} × ${wayName}: the attacker is refused before a single request byte`, async () => {
      const server = adapter.h2 ? servers.h2attacker : servers.attacker;
      const before = server.received;
      const error = await adapter.run(way, server).then(
        (verdict) => assert.fail(`the attacker got through: ${JSON.stringify(verdict && verdict.status)}`),
        (e) => e,
      );
      assert.ok(error instanceof CertpinError, `not a CertpinError: ${error && error.stack}`);
      assert.equal(error.code, "PIN_MISMATCH", error.message);
      assert.equal(error.verdict.domain, way.pinned);
      assert.equal(error.verdict.servedPins[0], PIN.attackerLeaf);
      await new Promise((r) => setTimeout(r, 30));
      assert.equal(server.received, before, "the attacker's server saw request bytes");
    });
  }
}

// Configurations whose pinned name cannot be known are refused, never passed.
test("tls.connect({ socket }) over a socket with no host and no servername is refused with INVALID_ARGUMENT", async () => {
  const raw = await new Promise((resolve) => {
    const s = net.connect(servers.attacker.port, "127.0.0.1");
    s.once("connect", () => resolve(s));
  });
  // A stream that knows no host, as a tunnel from a proxy library or a Duplex is.
  raw._host = null;
  const socket = tls.connect({ socket: raw, ca: CA, rejectUnauthorized: false });
  socket.on("error", () => {});
  const before = servers.attacker.received;
  assert.throws(() => pinTlsSocket(socket, POLICY), (e) => e instanceof CertpinError && e.code === "INVALID_ARGUMENT" && /servername/.test(e.message));
  assert.equal(servers.attacker.received, before);
});

test("a TLS socket not made by tls.connect is refused with INVALID_ARGUMENT", () => {
  const socket = new tls.TLSSocket(new net.Socket());
  assert.throws(() => pinTlsSocket(socket, POLICY), (e) => e instanceof CertpinError && e.code === "INVALID_ARGUMENT");
  socket.destroy();
});

test("the global fetch cells ran with the combination the README documents", () => {
  // Node 20's global fetch is its bundled undici 6; the dispatcher is npm undici 7. Should
  // either change, the README's list of tested combinations must change with it.
  if (process.versions.node.split(".")[0] === "20") assert.equal(process.versions.undici.split(".")[0], "6");
  assert.equal(require("undici/package.json").version.split(".")[0], "7");
});

test("EnvHttpProxyAgent with pinnedPoolFactory: an origin in noProxy connects directly, still pinned", async () => {
  const dispatcher = new undici.EnvHttpProxyAgent({
    httpsProxy: proxy.url,
    noProxy: "localhost",
    connect: { ca: CA },
    factory: pinnedPoolFactory(POLICY),
  });
  const tunnels = proxy.targets.length;
  try {
    const verdict = await fetchVerdict(undici.fetch, `https://localhost:${servers.genuine.port}/`, { dispatcher });
    assert.equal(verdict.status, "matched");
    const before = servers.attacker.received;
    const error = await fetchVerdict(undici.fetch, `https://localhost:${servers.attacker.port}/`, { dispatcher }).then(() => null, (e) => e);
    assert.equal(error?.code, "PIN_MISMATCH", String(error));
    assert.equal(servers.attacker.received, before);
    assert.equal(proxy.targets.length, tunnels, "noProxy origins do not go through the proxy");
  } finally {
    await dispatcher.close();
  }
});
