"use strict";
// certpin/node: pin real connections made with node:tls, node:https and undici's fetch.
//
// Every connection is checked on 'secureConnect', before any request byte is written:
// Node calls checkServerIdentity only when its own chain verification succeeded and
// the session was not resumed, so a pin check that lives only there can be skipped
// (rejectUnauthorized: false, a resumed session). A resumed session exposes no
// certificates at all, so certpin accepts one only when the session was issued on a
// connection that passed the same policy for the same host (sessions are bound to the
// secret negotiated with the pinned server); otherwise it fails closed.
//
// Pinning adds to Node's chain validation against trusted roots; it does not replace it.

//
// This file is a factory over the core API, so that Node (node.cjs) and Deno (deno.js,
// which needs no --allow-read) each bind it to their own entry's wasm instance.

const crypto = require("node:crypto");
const https = require("node:https");
const tls = require("node:tls");
// Signed policy bundles (issue 18): a policyUpdater (node-updater.cjs) stands in for a
// policy; each new connection asks it for the newest verified policy. Recognised by a
// registered symbol, not a require: Deno needs read permission for a relative require.
const UPDATER = Symbol.for("certpin.policyUpdater");
const isUpdater = (value) => value !== null && typeof value === "object" && value[UPDATER] === true;
const currentPolicy = (policy) => (isUpdater(policy) ? policy.currentPolicy() : policy);

/** Builds the adapters over a certpin entry ({ PinPolicy, CertpinError, ... }). */
function makeAdapter(certpin) {
  const { PinPolicy, CertpinError } = certpin;

  // Verdict status -> the code of the CertpinError an enforcing adapter throws.
  const STATUS_CODES = Object.freeze({
    mismatch: "PIN_MISMATCH",
    revoked: "PIN_REVOKED",
    "invalid-chain": "CHAIN_INVALID",
    "hostname-mismatch": "HOSTNAME_MISMATCH",
    "cert-expired": "CERT_EXPIRED",
    "no-chain": "NO_CHAIN",
  });

  // Sessions approved for resumption, per policy object: "host\0sha256(session)" -> true.
  const MAX_APPROVED_SESSIONS = 1024;
  const approvedSessions = new WeakMap();

  function toPolicy(policy) {
    if (policy instanceof PinPolicy || isUpdater(policy)) return policy;
    if (typeof policy === "string" || (policy !== null && typeof policy === "object")) {
      return new PinPolicy(policy);
    }
    throw invalidArgument("policy", "expected a PinPolicy, a policy document or its JSON text");
  }

  function invalidArgument(argument, reason) {
    const error = new Error(`invalid ${argument}: ${reason}`);
    error.name = "CertpinError";
    error.code = "INVALID_ARGUMENT";
    error.argument = argument;
    return error;
  }

  const KNOWN_OPTIONS = ["onReport", "now", "verifySignatures", "clockSkewSeconds", "hostname"];

  function readOptions(options) {
    if (options === undefined || options === null) return {};
    if (typeof options !== "object") throw invalidArgument("options", "options must be an object");
    for (const key of Object.keys(options)) {
      if (!KNOWN_OPTIONS.includes(key)) {
        throw invalidArgument("options", `unknown option ${JSON.stringify(key)}; known options: ${KNOWN_OPTIONS.join(", ")}`);
      }
    }
    if (options.onReport !== undefined && typeof options.onReport !== "function") {
      throw invalidArgument("onReport", "must be a function (report, verdict) => void");
    }
    if (options.now !== undefined && typeof options.now !== "function") {
      throw invalidArgument("now", "must be a function returning a Date or milliseconds since the epoch");
    }
    return options;
  }

  /** The served chain as DER, leaf first, from getPeerCertificate(true)'s issuer links. */
  function peerChain(certificate) {
    const chain = [];
    const seen = new Set();
    let current = certificate;
    while (current && current.raw && !seen.has(current) && chain.length < 16) {
      seen.add(current);
      chain.push(new Uint8Array(current.raw.buffer, current.raw.byteOffset, current.raw.byteLength));
      if (current.issuerCertificate === current) break;
      current = current.issuerCertificate;
    }
    return chain;
  }

  function checkOptions(options, hostname, port) {
    const checkOptions = { hostname };
    if (port !== undefined && port !== null && Number.isInteger(Number(port))) checkOptions.port = Number(port);
    if (options.now) checkOptions.now = options.now();
    if (options.verifySignatures !== undefined) checkOptions.verifySignatures = options.verifySignatures;
    if (options.clockSkewSeconds !== undefined) checkOptions.clockSkewSeconds = options.clockSkewSeconds;
    return checkOptions;
  }

  /** The error an enforcing adapter throws for a failed verdict. */
  function pinningError(verdict) {
    const error = new Error(verdict.message);
    error.name = "CertpinError";
    error.code = STATUS_CODES[verdict.status] || "PIN_MISMATCH";
    error.hostname = verdict.hostname;
    error.verdict = verdict;
    return error;
  }

  function report(options, verdict) {
    if (!options.onReport) return;
    if (verdict.report === null && verdict.status !== "policy-expired") return;
    try {
      options.onReport(verdict.report, verdict);
    } catch {
      // A failing report callback must not change the pinning decision.
    }
  }

  function sessionKey(hostname, session) {
    return `${hostname}\0${crypto.createHash("sha256").update(session).digest("base64")}`;
  }

  function approveSession(policy, hostname, session, verdict) {
    let approved = approvedSessions.get(policy);
    if (!approved) {
      approved = new Map();
      approvedSessions.set(policy, approved);
    }
    approved.set(sessionKey(hostname, session), verdict);
    if (approved.size > MAX_APPROVED_SESSIONS) approved.delete(approved.keys().next().value);
  }

  /** The verdict of the connection that issued `session`, if it passed this policy. */
  function approvedVerdict(policy, hostname, session) {
    const approved = approvedSessions.get(policy);
    return (session && approved && approved.get(sessionKey(hostname, session))) || null;
  }

  /**
   * Records the TLS sessions a connection yields, so that they may be resumed later, but
   * only once the connection has passed the policy with a match. TLS 1.2 may announce its
   * session before 'secureConnect', TLS 1.3 sends tickets after it: both are handled.
   */
  function trackSessions(socket, policy, hostnameOf) {
    let passed = null;
    const pending = [];
    socket.on("session", (session) => {
      if (passed) approveSession(policy, hostnameOf(), session, passed);
      else if (pending.length < 8) pending.push(session);
    });
    return (verdict) => {
      if (verdict.ok && verdict.status === "matched" && !socket.isSessionReused()) {
        passed = verdict;
        for (const session of pending.splice(0)) approveSession(policy, hostnameOf(), session, verdict);
      }
    };
  }

  /**
   * Evaluates the policy for an established TLS socket. Returns the verdict; never throws
   * for a failed check (the caller decides), but throws CertpinError for misuse.
   */
  function verdictForSocket(policy, socket, hostname, port, options) {
    if (socket.isSessionReused()) {
      // No certificates are visible on a resumed session.
      const session = socket.getSession();
      const notPinned = policy.check([], checkOptions(options, hostname, port));
      if (notPinned.status === "not-pinned" || notPinned.status === "policy-expired") return notPinned;
      const original = approvedVerdict(policy, hostname, session);
      if (original) {
        return { ...original, findings: [...original.findings, { code: "SESSION_RESUMED", severity: "info",
          message: "the TLS session was resumed; its certificates were pinned when the session was first established" }] };
      }
      return { ...notPinned, message: `${notPinned.message}\n  (the TLS session was resumed from a session that certpin did not see pass this policy; a resumed session exposes no certificates, so it cannot be checked)` };
    }
    const chain = peerChain(socket.getPeerCertificate(true));
    return policy.check(chain, checkOptions(options, hostname, port));
  }

  /**
   * Pins a tls.TLSSocket (from tls.connect) to `policy`. Call it right after tls.connect,
   * before the handshake completes; the check runs when the handshake completes, before
   * any 'secureConnect' listener, and in enforce mode the socket is destroyed with a
   * CertpinError before any application byte is sent ('secureConnect' is then never
   * emitted, 'error' is).
   */
  function pinTlsSocket(socket, policy, options) {
    if (!(socket instanceof tls.TLSSocket)) throw invalidArgument("socket", "expected a tls.TLSSocket from tls.connect");
    const opts = readOptions(options);
    const source = toPolicy(policy);
    let pinPolicy;
    try {
      pinPolicy = currentPolicy(source);
    } catch (error) {
      // An updater with no usable policy (expired and fail-closed, or none yet): the
      // connection never proceeds. Destroyed on the next tick, so that the caller (an
      // https request) has attached its 'error' listener; no I/O can happen before it.
      process.nextTick(() => socket.destroy(error));
      return socket;
    }
    // Node's own rule for the name it verifies: servername, else the host connected to
    // (for an IP literal, Node sets neither servername nor _host: the peer address is it).
    const hostname = () => opts.hostname || socket.servername || socket._host || socket.remoteAddress || "";
    const onPassed = trackSessions(socket, pinPolicy, hostname);
    const check = () => {
      let verdict;
      try {
        verdict = verdictForSocket(pinPolicy, socket, hostname(), socket.remotePort, opts);
      } catch (error) {
        socket.destroy(error);
        return;
      }
      socket.certpinVerdict = verdict;
      report(opts, verdict);
      if (!verdict.ok) {
        socket.destroy(pinningError(verdict));
        return;
      }
      onPassed(verdict);
    };
    // _secureEstablished is Node's flag for a finished handshake (pinTlsSocket called late).
    if (socket._secureEstablished) {
      check();
      return socket;
    }
    // The check runs inside emit("secureConnect"), before any listener, and a refused
    // connection never emits it, as when Node's own checkServerIdentity fails: no
    // listener (not even one prepended later) sees a refused connection as established.
    const emit = socket.emit;
    let checked = false;
    socket.emit = function emitAfterPinCheck(event, ...args) {
      if (event === "secureConnect" && !checked) {
        checked = true;
        check();
        if (socket.destroyed) return false;
      }
      return emit.call(this, event, ...args);
    };
    return socket;
  }

  /**
   * A checkServerIdentity function that runs Node's own hostname check, then the pin
   * policy. On its own it is skippable (Node does not call it for resumed sessions or
   * when chain verification failed): prefer pinnedAgent, pinnedDispatcher or pinTlsSocket.
   */
  function pinnedCheckServerIdentity(policy, options) {
    const pinPolicy = toPolicy(policy);
    const opts = readOptions(options);
    return function checkServerIdentity(hostname, certificate) {
      const nodeError = tls.checkServerIdentity(hostname, certificate);
      if (nodeError) return nodeError;
      let verdict;
      try {
        verdict = currentPolicy(pinPolicy).check(peerChain(certificate), checkOptions(opts, hostname));
      } catch (error) {
        return error;
      }
      report(opts, verdict);
      return verdict.ok ? undefined : pinningError(verdict);
    };
  }

  /**
   * An https.Agent whose every socket is pinned. TLS session caching is off unless the
   * caller sets maxCachedSessions (resumed sessions are still checked, see above).
   * Use one agent per policy: an agent's pool key ignores checkServerIdentity.
   */
  function pinnedAgent(policy, agentOptions) {
    const pinPolicy = toPolicy(policy);
    const { pinning, ...rest } = agentOptions || {};
    const opts = readOptions(pinning);
    class PinnedAgent extends https.Agent {
      createConnection(...args) {
        // https.Agent's own createConnection offers cached sessions and caches new ones;
        // the pin check is attached before the handshake can finish.
        const socket = super.createConnection(...args);
        const connectOptions = args.find((a) => a !== null && typeof a === "object") || {};
        const hostname = opts.hostname || connectOptions.servername || connectOptions.host;
        pinTlsSocket(socket, pinPolicy, hostname ? { ...opts, hostname } : opts);
        return socket;
      }
    }
    return new PinnedAgent({ maxCachedSessions: 0, ...rest });
  }

  function loadUndici() {
    try {
      return require("undici");
    } catch {
      throw invalidArgument("undici", "pinnedDispatcher and pinnedFetch need the npm package undici (npm install undici)");
    }
  }

  /**
   * An undici Agent (a fetch dispatcher) whose every connection is pinned. Use it with
   * undici's own fetch (pinnedFetch does), never with a fetch from another undici major.
   */
  function pinnedDispatcher(policy, options) {
    const undici = loadUndici();
    const pinPolicy = toPolicy(policy);
    const { connect, pinning, ...agentOptions } = options || {};
    const opts = readOptions(pinning);
    const baseConnector = undici.buildConnector({ maxCachedSessions: 0, ...(connect || {}) });
    const pinnedConnector = (connectOptions, callback) => {
      baseConnector(connectOptions, (error, socket) => {
        if (error) return callback(error);
        let verdict;
        let policyNow;
        const hostname = opts.hostname || connectOptions.servername || connectOptions.hostname;
        try {
          policyNow = currentPolicy(pinPolicy);
          verdict = verdictForSocket(policyNow, socket, hostname, connectOptions.port || 443, opts);
        } catch (checkError) {
          socket.destroy();
          return callback(checkError);
        }
        socket.certpinVerdict = verdict;
        report(opts, verdict);
        if (!verdict.ok) {
          const failure = pinningError(verdict);
          socket.destroy(failure);
          return callback(failure);
        }
        // TLS 1.3 tickets arrive after the handshake; record them for resumption.
        trackSessions(socket, policyNow, () => hostname)(verdict);
        return callback(null, socket);
      });
    };
    return new undici.Agent({ ...agentOptions, connect: pinnedConnector });
  }

  /** undici's fetch bound to a pinnedDispatcher for `policy`. */
  function pinnedFetch(policy, options) {
    const undici = loadUndici();
    const dispatcher = pinnedDispatcher(policy, options);
    const fetch = (input, init) => undici.fetch(input, { ...init, dispatcher });
    fetch.dispatcher = dispatcher;
    return fetch;
  }

  return {
    pinTlsSocket,
    pinnedCheckServerIdentity,
    pinnedAgent,
    pinnedDispatcher,
    pinnedFetch,
    peerChain,
    CertpinError,
    STATUS_CODES,
  };
}

module.exports = { makeAdapter };
