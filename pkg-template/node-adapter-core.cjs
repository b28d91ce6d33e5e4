"use strict";
// certpin/node: pin real connections made with node:tls, node:https and undici.
//
// Every new TLS connection of every adapter goes through one function, pinConnection,
// attached right after tls.connect returns (before the handshake can finish). When the
// handshake completes, inside emit("secureConnect") and before any listener, it pins
// exactly the name Node verified the certificate against, read from the options the
// socket was connected with (Node's own rule: servername, else host, else the host of
// the socket it wraps). It never falls back to the peer address: a connection whose
// name cannot be known is refused with INVALID_ARGUMENT.
//
// Node calls checkServerIdentity only when its own chain verification succeeded and
// the session was not resumed, so a pin check that lives only there can be skipped
// (rejectUnauthorized: false, a resumed session). A resumed session exposes no
// certificates at all, so certpin accepts one only when the session was issued on a
// connection that passed the same policy for the same name with the same check options
// (sessions are bound to the secret negotiated with the pinned server); otherwise it
// fails closed.
//
// Pinning adds to Node's chain validation against trusted roots; it does not replace it.
//
// This file is a factory over the core API, so that Node (node.cjs) and Deno (deno.js,
// which needs no --allow-read) each bind it to their own entry's wasm instance.

const crypto = require("node:crypto");
const https = require("node:https");
const tls = require("node:tls");
// Signed policy bundles: a policyUpdater (node-updater.cjs) stands in for a
// policy; each new connection asks it for the newest verified policy. Recognised by a
// registered symbol, not a require: Deno needs read permission for a relative require.
const UPDATER = Symbol.for("certpin.policyUpdater");
const isUpdater = (value) => value !== null && typeof value === "object" && value[UPDATER] === true;

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
    "cert-revoked": "CERT_REVOKED",
    "ct-insufficient": "CT_INSUFFICIENT",
  });

  // OCSP staples.
  // Node emits 'OCSPResponse' (the stapled response, a Buffer) before 'secureConnect'
  // when the socket was made with requestOCSP: true; the check then passes it to
  // policy.check as ocspResponse. The listener must be attached before the handshake
  // completes (pinTlsSocket, pinnedAgent and pinnedDispatcher do).
  const staples = new WeakMap();
  function captureStaple(socket) {
    if (staples.has(socket)) return;
    staples.set(socket, null);
    socket.on("OCSPResponse", (response) => {
      if (response && response.length > 0) staples.set(socket, new Uint8Array(response.buffer, response.byteOffset, response.byteLength));
    });
  }
  function withStaple(socket, options) {
    const staple = staples.get(socket);
    return staple ? { ...options, ocspResponse: staple } : options;
  }

  // The policy each pinned socket passed (keep-alive pools drop sockets whose policy is no
  // longer the current one, see pinnedAgent).
  const socketPolicies = new WeakMap();

  // Sessions approved for resumption, per policy object: "name\0sha256(session)" -> verdict.
  const MAX_APPROVED_SESSIONS = 1024;
  const approvedSessions = new WeakMap();

  function invalidArgument(argument, reason, cause) {
    const error = new CertpinError(`invalid ${argument}: ${reason}`, "INVALID_ARGUMENT", cause === undefined ? undefined : { cause });
    error.argument = argument;
    return error;
  }

  // ---------------------------------------------------------------------------------
  // Options. Every pinning option is read in exactly one place; given anywhere else it
  // is an error naming where it belongs, never silently dropped.

  // Options the check itself reads (the wasm validates their values); passed through as given.
  const CHECK_OPTIONS = [
    "verifySignatures", "clockSkewSeconds", "ct",
    "allowSha1", "minRsaBits", "allowUnknownCriticalExtensions", "allowCommonNameFallback",
  ];
  const PINNING_OPTIONS = ["onReport", "now", ...CHECK_OPTIONS];
  // Keys that look like pinning settings but are not read: the name pinned is always the
  // one TLS verified (set servername to change it).
  const REFUSED_PINNING_OPTIONS = {
    hostname:
      "certpin pins the name TLS verifies the certificate against (servername, else host); it cannot be overridden: set servername in the connection options instead",
  };

  /** Validated pinning options (`where` names the argument in errors). */
  function readOptions(options, where = "options") {
    if (options === undefined || options === null) return {};
    if (typeof options !== "object") throw invalidArgument(where, "the pinning options must be an object");
    for (const key of Object.keys(options)) {
      if (REFUSED_PINNING_OPTIONS[key]) throw invalidArgument(`${where}.${key}`, REFUSED_PINNING_OPTIONS[key]);
      if (!PINNING_OPTIONS.includes(key)) {
        throw invalidArgument(where, `unknown option ${JSON.stringify(key)}; known options: ${PINNING_OPTIONS.join(", ")}`);
      }
    }
    if (options.onReport !== undefined && typeof options.onReport !== "function") {
      throw invalidArgument(`${where}.onReport`, "must be a function (report, verdict) => void");
    }
    if (options.now !== undefined && typeof options.now !== "function") {
      throw invalidArgument(`${where}.now`, "must be a function returning a Date or milliseconds since the epoch");
    }
    if (options.verifySignatures !== undefined && typeof options.verifySignatures !== "boolean") {
      throw invalidArgument(`${where}.verifySignatures`, "must be a boolean");
    }
    return options;
  }

  /**
   * Refuses pinning options placed among another API's options (an agent's, a
   * dispatcher's, `connect` TLS options, a fetch init), where they would be ignored.
   */
  function refuseMisplacedPinning(object, where, belongs) {
    if (object === undefined || object === null || typeof object !== "object") return;
    for (const key of [...PINNING_OPTIONS, ...Object.keys(REFUSED_PINNING_OPTIONS)]) {
      if (Object.prototype.hasOwnProperty.call(object, key)) {
        throw invalidArgument(`${where}.${key}`, `${key} is a pinning option and is not read here; pass it as ${belongs}`);
      }
    }
  }

  /**
   * Where each connection's policy comes from: a function returning the PinPolicy that
   * applies to a new connection. (Hook: a policy updater resolves here, per connection.)
   */
  function policySource(policy) {
    if (policy instanceof PinPolicy) return () => policy;
    // A policyUpdater (node-updater.cjs): its newest verified policy, asked per connection;
    // it throws a CertpinError when it has none it may use (expired and fail-closed).
    if (isUpdater(policy)) return () => policy.currentPolicy();
    if (typeof policy === "string" || (policy !== null && typeof policy === "object")) {
      const parsed = new PinPolicy(policy);
      return () => parsed;
    }
    throw invalidArgument("policy", "expected a PinPolicy, a policy document or its JSON text");
  }

  /** What every connection of one adapter shares: where its policy comes from, its options. */
  function makeGuard(policy, pinning, where) {
    const options = readOptions(pinning, where);
    return { policyFor: policySource(policy), options, checkKey: checkOptionsKey(options) };
  }

  /**
   * What a session approval is bound to besides the policy and the name: the check
   * options that passed it, so a session approved by a laxer adapter (verifySignatures:
   * false, allowSha1, ...) never resumes into a stricter one sharing the policy object.
   */
  function checkOptionsKey(options) {
    try {
      const values = CHECK_OPTIONS.map((key) => (options[key] === undefined ? null : options[key]));
      return crypto.createHash("sha256").update(JSON.stringify(values)).digest("base64");
    } catch {
      return crypto.randomBytes(16).toString("base64"); // not serialisable: approvals stay with this adapter
    }
  }

  // ---------------------------------------------------------------------------------
  // The name that is pinned.

  /** The options Node's (and Deno's) tls.connect stored on the socket it returned. */
  function connectOptionsOf(socket) {
    const key = Object.getOwnPropertySymbols(socket).find((s) => s.description === "connect-options");
    const options = key === undefined ? undefined : socket[key];
    return options !== null && typeof options === "object" ? options : null;
  }

  /**
   * The name TLS verified the certificate against, computed as Node's tls.connect does
   * (lib/_tls_wrap.js, onConnectSecure): servername, else host, else the host of the
   * socket it wraps. Node's last resort, "localhost", is refused: a connection that names
   * no host is a configuration error here, not a name to pin.
   */
  function verifiedName(socket) {
    const options = connectOptionsOf(socket);
    if (!options) {
      throw invalidArgument(
        "socket",
        "this TLS socket does not carry the options tls.connect was called with, so certpin cannot know the name TLS verified; create it with tls.connect",
      );
    }
    const name = options.servername || options.host || (options.socket && options.socket._host);
    if (!name) {
      throw invalidArgument(
        "servername",
        "the connection names no host (no servername, no host, and the socket it wraps has none): Node would verify the certificate for \"localhost\"; pass servername, the name of the server you mean to reach",
      );
    }
    if (typeof name !== "string") throw invalidArgument("servername", "the connection's servername/host must be a string");
    return name;
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

  /** Check options for one connection. (Hook: a stapled OCSP response joins here.) */
  function connectionCheckOptions(options, hostname, port) {
    const checkOptions = { hostname };
    if (port !== undefined && port !== null && Number.isInteger(Number(port))) checkOptions.port = Number(port);
    if (options.now) checkOptions.now = options.now();
    for (const key of CHECK_OPTIONS) if (options[key] !== undefined) checkOptions[key] = options[key];
    return checkOptions;
  }

  /** The error an enforcing adapter throws for a failed verdict. */
  function pinningError(verdict) {
    const error = new CertpinError(verdict.message, STATUS_CODES[verdict.status] || "PIN_MISMATCH");
    error.hostname = verdict.hostname;
    error.verdict = verdict;
    return error;
  }

  /** Hands a verdict to the report callback. (Hook: a report sender plugs in here.) */
  function deliverReport(options, verdict) {
    if (!options.onReport) return;
    if (verdict.report === null && verdict.status !== "policy-expired") return;
    try {
      options.onReport(verdict.report, verdict);
    } catch {
      // A failing report callback must not change the pinning decision.
    }
  }

  // ---------------------------------------------------------------------------------
  // Resumption: a session is accepted only if certpin saw the connection that issued it
  // pass the same policy object for the same name under the same check options
  // (checkOptionsKey), with a pin matched on a full
  // handshake. Sessions a connection announces before its check (TLS 1.2 may announce
  // before 'secureConnect') wait for the check; after it (TLS 1.3 tickets) they are
  // approved as they come, and only if the check passed.

  function sessionKey(hostname, session, checkKey) {
    return `${hostname}\0${checkKey}\0${crypto.createHash("sha256").update(session).digest("base64")}`;
  }

  function approveSession(policy, hostname, session, verdict, checkKey) {
    let approved = approvedSessions.get(policy);
    if (!approved) {
      approved = new Map();
      approvedSessions.set(policy, approved);
    }
    approved.set(sessionKey(hostname, session, checkKey), verdict);
    if (approved.size > MAX_APPROVED_SESSIONS) approved.delete(approved.keys().next().value);
  }

  /** The verdict of the connection that issued `session`, if it passed this policy. */
  function approvedVerdict(policy, hostname, session, checkKey) {
    const approved = approvedSessions.get(policy);
    return (session && approved && approved.get(sessionKey(hostname, session, checkKey))) || null;
  }

  /** Collects a socket's sessions from the start; `approve` releases them once it passed. */
  function trackSessions(socket, checkKey) {
    let passed = null;
    const pending = [];
    socket.on("session", (session) => {
      if (passed) approveSession(passed.policy, passed.hostname, session, passed.verdict, checkKey);
      else if (pending.length < 8) pending.push(session);
    });
    return {
      approve(policy, hostname, verdict) {
        if (!(verdict.ok && verdict.status === "matched" && !socket.isSessionReused())) return;
        passed = { policy, hostname, verdict };
        for (const session of pending.splice(0)) approveSession(policy, hostname, session, verdict, checkKey);
      },
    };
  }

  /**
   * The policy's verdict for an established TLS socket and the name it verified.
   * Never throws for a failed check (the caller decides); throws CertpinError for misuse.
   */
  function verdictForSocket(policy, socket, hostname, port, options, checkKey) {
    const checkOptions = connectionCheckOptions(options, hostname, port);
    if (socket.isSessionReused()) {
      // No certificates are visible on a resumed session.
      const session = socket.getSession();
      const notPinned = policy.check([], checkOptions);
      if (notPinned.status === "not-pinned" || notPinned.status === "policy-expired") return notPinned;
      const original = approvedVerdict(policy, hostname, session, checkKey);
      if (original) {
        return { ...original, findings: [...original.findings, { code: "SESSION_RESUMED", severity: "info",
          message: "the TLS session was resumed; its certificates were pinned when the session was first established" }] };
      }
      return { ...notPinned, message: `${notPinned.message}\n  (the TLS session was resumed from a session that certpin did not see pass this policy; a resumed session exposes no certificates, so it cannot be checked)` };
    }
    const chain = peerChain(socket.getPeerCertificate(true));
    return policy.check(chain, withStaple(socket, checkOptions));
  }

  /**
   * Every new TLS connection of every adapter goes through here, right after tls.connect
   * returned the socket. When the handshake completes (inside emit("secureConnect"),
   * before any listener; at once if it already has) the connection is pinned:
   *   (a) verifiedName: the name TLS verified the certificate against;
   *   (b) guard.policyFor(): the policy for this connection;
   *   (c) verdictForSocket: the check (resumed sessions by the approval rule above);
   *   (d) the verdict is reported, then the connection refused (destroyed with a
   *       CertpinError: 'secureConnect' is never emitted, 'error' is) or let through.
   * Returns the socket.
   */
  function pinConnection(socket, guard) {
    captureStaple(socket);
    const sessions = trackSessions(socket, guard.checkKey);
    const check = () => {
      let verdict;
      let policy;
      let hostname;
      try {
        hostname = verifiedName(socket); // (a)
        policy = guard.policyFor(); // (b)
        const port = connectOptionsOf(socket).port || socket.remotePort;
        verdict = verdictForSocket(policy, socket, hostname, port, guard.options, guard.checkKey); // (c)
      } catch (error) {
        socket.destroy(error instanceof CertpinError ? error : invalidArgument("connection", String(error && error.message), error));
        return;
      }
      socket.certpinVerdict = verdict; // (d)
      deliverReport(guard.options, verdict);
      if (!verdict.ok) {
        socket.destroy(pinningError(verdict));
        return;
      }
      socketPolicies.set(socket, policy);
      if (guard.sockets) {
        guard.sockets.add(socket);
        socket.once("close", () => guard.sockets.delete(socket));
      }
      sessions.approve(policy, hostname, verdict);
    };
    // _secureEstablished is Node's flag for a finished handshake (attached late: the
    // sessions it announced before are not approved, so they never resume into trust).
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

  // ---------------------------------------------------------------------------------
  // The adapters.

  /**
   * Pins a tls.TLSSocket (from tls.connect) to `policy`. Call it right after tls.connect,
   * before the handshake completes; the check runs when the handshake completes, before
   * any 'secureConnect' listener, and in enforce mode the socket is destroyed with a
   * CertpinError before any application byte is sent.
   */
  function pinTlsSocket(socket, policy, options) {
    if (!(socket instanceof tls.TLSSocket)) throw invalidArgument("socket", "expected a tls.TLSSocket from tls.connect");
    const guard = makeGuard(policy, options, "options");
    // Refuse now, before any byte, a socket whose verified name cannot be known.
    try {
      verifiedName(socket);
    } catch (error) {
      socket.destroy();
      throw error;
    }
    return pinConnection(socket, guard);
  }

  /**
   * A checkServerIdentity function that runs Node's own hostname check, then the pin
   * policy. On its own it is skippable (Node does not call it for resumed sessions or
   * when chain verification failed): prefer pinnedAgent, pinnedDispatcher or pinTlsSocket.
   */
  function pinnedCheckServerIdentity(policy, options) {
    const guard = makeGuard(policy, options, "options");
    return function checkServerIdentity(hostname, certificate) {
      const nodeError = tls.checkServerIdentity(hostname, certificate);
      if (nodeError) return nodeError;
      let verdict;
      try {
        verdict = guard.policyFor().check(peerChain(certificate), connectionCheckOptions(guard.options, hostname));
      } catch (error) {
        return error; // an updater with no policy it may use: refuse, never throw inside the handshake
      }
      deliverReport(guard.options, verdict);
      return verdict.ok ? undefined : pinningError(verdict);
    };
  }

  /**
   * An https.Agent whose every socket is pinned. TLS session caching is off unless the
   * caller sets maxCachedSessions (resumed sessions are still checked, see above).
   * Use one agent per policy: an agent's pool key ignores checkServerIdentity.
   */
  function pinnedAgent(policy, agentOptions) {
    if (agentOptions !== undefined && (agentOptions === null || typeof agentOptions !== "object")) {
      throw invalidArgument("agentOptions", "must be an object of https.Agent options");
    }
    const { pinning, ...rest } = agentOptions || {};
    refuseMisplacedPinning(rest, "agentOptions", "pinnedAgent(policy, { pinning: { ... } })");
    const guard = makeGuard(policy, pinning, "agentOptions.pinning");
    // A socket kept alive is reused only while the policy it passed is still the one a new
    // connection would get: after a policy updater adopts a new version (a pin removed) or
    // fails closed, the sockets pinned under the old one are closed, not reused.
    const current = (socket) => {
      try {
        return socketPolicies.get(socket) === guard.policyFor();
      } catch {
        return false;
      }
    };
    class PinnedAgent extends https.Agent {
      addRequest(req, options) {
        const stale = Object.values(this.freeSockets).flat().filter((socket) => !current(socket));
        if (stale.length === 0) return super.addRequest(req, options);
        // Node removes a socket from the pool on its 'close'; the request waits for that.
        let left = stale.length;
        for (const socket of stale) {
          socket.once("close", () => {
            if (--left === 0) super.addRequest(req, options);
          });
          socket.destroy();
        }
        return undefined;
      }

      keepSocketAlive(socket) {
        return current(socket) && super.keepSocketAlive(socket);
      }

      createConnection(...args) {
        // https.Agent's own createConnection offers cached sessions and caches new ones;
        // the pin check is attached before the handshake can finish.
        const socket = super.createConnection(...args);
        return pinConnection(socket, guard);
      }
    }
    try {
      return new PinnedAgent({ maxCachedSessions: 0, requestOCSP: true, ...rest });
    } catch (error) {
      throw invalidArgument("agentOptions", error.message, error);
    }
  }

  function loadUndici() {
    try {
      return require("undici");
    } catch (error) {
      throw invalidArgument(
        "undici",
        `pinnedDispatcher, pinnedFetch and pinnedPoolFactory need the npm package undici (tested with undici 7 on Node 20: npm install undici@7; undici 8 needs Node >= 22); loading it failed: ${error && error.message}`,
        error,
      );
    }
  }

  /**
   * Wraps an undici connector (`connect(options, callback)`) so that every TLS
   * connection it makes goes through pinConnection. Plain http: connections pass
   * untouched (no certificate to pin).
   */
  function pinnedConnector(base, guard) {
    return function connect(connectOptions, callback) {
      const isHttps = connectOptions.protocol === "https:";
      // The socket pinConnection is attached to. The one handed to undici must be that
      // one: a connector may return one socket and call back with another (a race of
      // attempts), and the other would otherwise reach undici unpinned.
      let pinned = null;
      const returned = base(connectOptions, (error, socket) => {
        if (error) return callback(error);
        if (isHttps && socket !== pinned) {
          // A socket certpin has not seen (a tunnel, or not the one returned): pin it
          // now, before undici writes. Its handshake must be finished, or bytes
          // written now would leave before the check could run.
          if (!(socket instanceof tls.TLSSocket) || !socket._secureEstablished) {
            const refusal = invalidArgument(
              "connect",
              "the connector handed back no TLS socket with a finished handshake for an https: origin, so it cannot be pinned",
            );
            if (socket && typeof socket.destroy === "function") socket.destroy();
            return callback(refusal);
          }
          pinned = socket;
          // The refusal goes to the callback; the connector may listen for no errors.
          socket.on("error", () => {});
          pinConnection(socket, guard);
          if (socket.destroyed) return callback(socket.errored || invalidArgument("connection", "refused"));
        }
        return callback(null, socket);
      });
      if (isHttps && pinned === null && returned instanceof tls.TLSSocket) {
        pinned = returned;
        pinConnection(returned, guard);
      }
      return returned;
    };
  }

  /**
   * An undici connector from `connect` (TLS options or a connector function). undici's
   * Client builds its connector from some Agent options too (ALPN for allowH2, the
   * connect timeout, session caching); given a connector function it no longer does, so
   * they are carried over here as the Client would (lib/dispatcher/client.js).
   */
  function baseConnector(undici, connect, where, agentOptions = {}) {
    if (typeof connect === "function") return connect;
    if (connect !== undefined && connect !== null && typeof connect !== "object") {
      throw invalidArgument(where, "must be an object of TLS options or a connector function");
    }
    refuseMisplacedPinning(connect, where, "the pinning option: pinnedDispatcher(policy, { pinning: { ... } })");
    const { allowH2, useH2c, socketPath, connectTimeout, autoSelectFamily, autoSelectFamilyAttemptTimeout, maxCachedSessions } = agentOptions;
    const fromAgent = { allowH2, useH2c, socketPath, timeout: connectTimeout, maxCachedSessions: maxCachedSessions ?? 0, requestOCSP: true };
    if (typeof autoSelectFamily === "boolean") Object.assign(fromAgent, { autoSelectFamily, autoSelectFamilyAttemptTimeout });
    for (const key of Object.keys(fromAgent)) if (fromAgent[key] === undefined) delete fromAgent[key];
    try {
      return undici.buildConnector({ ...fromAgent, ...(connect || {}) });
    } catch (error) {
      throw invalidArgument(where, error.message, error);
    }
  }

  function splitDispatcherOptions(options, where) {
    if (options !== undefined && (options === null || typeof options !== "object")) {
      throw invalidArgument(where, "must be an object of undici Agent options");
    }
    const { connect, pinning, ...agentOptions } = options || {};
    refuseMisplacedPinning(agentOptions, where, `${where}.pinning`);
    return { connect, pinning, agentOptions };
  }

  /**
   * An undici Agent (a fetch dispatcher) whose every connection is pinned. Works with
   * undici's own fetch (pinnedFetch), and with Node 20's global fetch (see README).
   */
  /**
   * An undici dispatcher class whose dispatch first closes the connections pinned under a
   * policy that is no longer the current one (a policy updater adopted a new version or
   * failed closed), so that no request goes out on them; undici connects again under
   * the current policy.
   */
  function sweepingDispatcher(Base, guard) {
    guard.sockets = guard.sockets || new Set();
    return class extends Base {
      dispatch(opts, handler) {
        let current = null;
        try {
          current = guard.policyFor();
        } catch {
          // No policy a new connection may use (fail-closed): none of the old ones either.
        }
        // Destroyed before the request is queued: undici sees the connection gone and
        // opens a new one, pinned under the current policy.
        for (const socket of guard.sockets) {
          if (socketPolicies.get(socket) === current) continue;
          guard.sockets.delete(socket);
          socket.destroy();
        }
        return super.dispatch(opts, handler);
      }
    };
  }

  function pinnedDispatcher(policy, options) {
    const undici = loadUndici();
    const { connect, pinning, agentOptions } = splitDispatcherOptions(options, "options");
    const guard = makeGuard(policy, pinning, "options.pinning");
    const base = baseConnector(undici, connect, "options.connect", agentOptions);
    try {
      const Agent = sweepingDispatcher(undici.Agent, guard);
      return new Agent({ ...agentOptions, connect: pinnedConnector(base, guard) });
    } catch (error) {
      throw invalidArgument("options", error.message, error);
    }
  }

  /**
   * A `factory(origin, options)` for undici's ProxyAgent, EnvHttpProxyAgent and Agent:
   * each origin gets a Pool whose every connection is pinned, including connections
   * tunnelled through a CONNECT proxy (the origin's name is pinned, not the proxy's).
   */
  function pinnedPoolFactory(policy, options) {
    const undici = loadUndici();
    const { connect, pinning, agentOptions } = splitDispatcherOptions(options, "options");
    const guard = makeGuard(policy, pinning, "options.pinning");
    if (connect !== undefined) baseConnector(undici, connect, "options.connect", agentOptions); // validated now
    const Pool = sweepingDispatcher(undici.Pool, guard);
    return function factory(origin, poolOptions) {
      const given = poolOptions && poolOptions.connect !== undefined ? poolOptions.connect : connect;
      const base = baseConnector(undici, given, "connect", { ...poolOptions, ...agentOptions });
      return new Pool(origin, { ...poolOptions, ...agentOptions, connect: pinnedConnector(base, guard) });
    };
  }

  /** undici's fetch bound to a pinnedDispatcher for `policy`. */
  function pinnedFetch(policy, options) {
    const undici = loadUndici();
    const dispatcher = pinnedDispatcher(policy, options);
    const fetch = (input, init) => {
      if (init !== undefined && init !== null && typeof init === "object") {
        if (init.dispatcher !== undefined && init.dispatcher !== dispatcher) {
          return Promise.reject(invalidArgument("init.dispatcher", "pinnedFetch always uses its own pinned dispatcher; call undici's fetch to use another"));
        }
        try {
          refuseMisplacedPinning(init, "init", "pinnedFetch(policy, { pinning: { ... } })");
        } catch (error) {
          return Promise.reject(error);
        }
      }
      return undici.fetch(input, { ...init, dispatcher });
    };
    fetch.dispatcher = dispatcher;
    return fetch;
  }

  return {
    pinTlsSocket,
    pinnedCheckServerIdentity,
    pinnedAgent,
    pinnedDispatcher,
    pinnedFetch,
    pinnedPoolFactory,
    peerChain,
    CertpinError,
    STATUS_CODES,
  };
}

module.exports = { makeAdapter };
