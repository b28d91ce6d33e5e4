"use strict";
// certpin/node reportSender: the function to pass as `onReport`. It never delays or
// fails the connection that produced a report: send() only pushes onto a bounded queue
// (a few microseconds); batches go out later over the sender's OWN agent, so a report
// about a failing pin is never blocked by that pin (the TrustKit-Android pitfall), while
// the report endpoint may still be pinned by a policy of its own.
//
//   - duplicates by reportKey within `dedupWindowMs` (default one hour, as Chromium did)
//     are not sent again; one still queued gets its `occurrences` raised instead
//   - batches of up to `batchSize`, after `batchDelayMs`
//   - retries with exponential backoff and full jitter (honouring Retry-After); each
//     queued report keeps one delivery id, so a retry is never counted twice
//   - a bounded queue: what it drops is counted in stats() and passed to onDrop, with a
//     reason (queue-full, expired, rejected, closed)
//   - flush(), close(), stats()
//
// Wire format (the edge collector in examples/edge-report-collector reads it): POST of a
// JSON array of { id, report, reportKey, occurrences, status, client }.

const crypto = require("node:crypto");
const http = require("node:http");
const https = require("node:https");

const VERSION = "certpin-node-report-sender/1";
const KNOWN = [
  "url", "token", "policy", "agentOptions", "allowHttp", "batchSize", "batchDelayMs", "maxQueue", "dedupWindowMs",
  "retryBaseMs", "retryMaxMs", "maxAgeMs", "timeoutMs", "onDrop", "onError", "client", "now",
];
const DROP_REASONS = ["queue-full", "expired", "rejected", "closed"];

function makeReportSender(adapter) {
  const { CertpinError } = adapter;

  function invalid(argument, reason) {
    const error = new CertpinError(`invalid ${argument}: ${reason}`, "INVALID_ARGUMENT");
    error.argument = argument;
    return error;
  }

  const integer = (options, name, fallback, min, max) => {
    const value = options[name] === undefined ? fallback : options[name];
    if (!Number.isInteger(value) || value < min || value > max) throw invalid(name, `must be an integer from ${min} to ${max}`);
    return value;
  };

  const isLoopback = (hostname) => hostname === "localhost" || hostname === "[::1]" || /^127\./.test(hostname);

  /** A stable key for a report that comes without a verdict's reportKey. */
  function keyOf(report) {
    const stable = { ...report };
    delete stable["date-time"];
    delete stable["effective-expiration-date"];
    const canonical = (v) =>
      Array.isArray(v)
        ? `[${v.map(canonical).join(",")}]`
        : v !== null && typeof v === "object"
          ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}}`
          : JSON.stringify(v);
    return crypto.createHash("sha256").update(`${canonical(stable)}\n`).digest("hex");
  }

  /**
   * @param {object} options see node-adapter.d.ts (ReportSenderOptions)
   * @returns {(report: object | null, verdict?: object) => void} with flush(), close(), stats()
   */
  function reportSender(options) {
    if (options === null || typeof options !== "object") throw invalid("options", "expected { url, ... }");
    for (const key of Object.keys(options)) {
      if (!KNOWN.includes(key)) throw invalid("options", `unknown option ${JSON.stringify(key)}; known options: ${KNOWN.join(", ")}`);
    }
    let url;
    try {
      url = new URL(options.url);
    } catch {
      throw invalid("url", "must be an absolute http(s) URL of the collector's POST /report");
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") throw invalid("url", "must be https: (or http: for a loopback collector)");
    if (url.protocol === "http:" && !isLoopback(url.hostname) && options.allowHttp !== true) {
      throw invalid("url", "reports go over https; http is accepted for loopback addresses, or with allowHttp: true");
    }
    if (options.token !== undefined && (typeof options.token !== "string" || !/^[\x21-\x7e]+$/.test(options.token))) throw invalid("token", "must be a bearer token string");
    for (const name of ["onDrop", "onError", "now"]) {
      if (options[name] !== undefined && typeof options[name] !== "function") throw invalid(name, "must be a function");
    }
    if (options.policy !== undefined && url.protocol !== "https:") throw invalid("policy", "pins the report endpoint's TLS connection: the url must be https:");
    const batchSize = integer(options, "batchSize", 50, 1, 100);
    const batchDelayMs = integer(options, "batchDelayMs", 1000, 0, 3600000);
    const maxQueue = integer(options, "maxQueue", 1000, 1, 1000000);
    const dedupWindowMs = integer(options, "dedupWindowMs", 3600000, 0, 7 * 86400000);
    const retryBaseMs = integer(options, "retryBaseMs", 1000, 1, 3600000);
    const retryMaxMs = integer(options, "retryMaxMs", 5 * 60000, retryBaseMs, 86400000);
    const maxAgeMs = integer(options, "maxAgeMs", 86400000, 1, 30 * 86400000);
    const timeoutMs = integer(options, "timeoutMs", 10000, 1, 600000);
    const client = options.client === undefined ? VERSION : String(options.client).slice(0, 100);
    const now = options.now ? () => Number(options.now()) : Date.now;

    // The sender's own agent: never the pinned production agent. With `policy`, the
    // report endpoint is pinned by that policy alone.
    const agentOptions = { keepAlive: true, maxSockets: 1, ...(options.agentOptions || {}) };
    const agent =
      url.protocol === "http:"
        ? new http.Agent(agentOptions)
        : options.policy !== undefined
          ? adapter.pinnedAgent(options.policy, agentOptions)
          : new https.Agent(agentOptions);
    const transport = url.protocol === "http:" ? http : https;

    const queue = []; // { id, key, report, status, occurrences, queuedAt }
    const queued = new Map(); // key -> entry still waiting
    const recent = new Map(); // key -> last time accepted (dedup window)
    const stats = { queued: 0, inFlight: 0, sent: 0, deduplicated: 0, ignored: 0, dropped: 0, droppedByReason: Object.fromEntries(DROP_REASONS.map((r) => [r, 0])), batches: 0, retries: 0, failures: 0, lastError: null };
    let inFlight = [];
    let timer = null;
    let sending = false;
    let attempt = 0; // consecutive failures
    let nextAttemptAt = 0;
    let closed = false;
    const waiters = [];

    const later = (fn) => setImmediate(() => {
      try {
        fn();
      } catch {
        // a failing callback must not disturb the sender
      }
    });

    function drop(entries, reason, detail) {
      if (!entries.length) return;
      stats.dropped += entries.length;
      stats.droppedByReason[reason] += entries.length;
      if (options.onDrop) {
        const reports = entries.map((e) => e.report);
        later(() => options.onDrop({ reason, count: entries.length, reports, detail: detail ?? null }));
      }
    }

    function schedule(delay) {
      if (closed && !queue.length) return;
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        pump();
      }, Math.max(0, delay));
      timer.unref(); // a sender never keeps a process alive; close() delivers at shutdown
    }

    function send(report, verdict) {
      if (report === null || report === undefined || typeof report !== "object") {
        stats.ignored++;
        return;
      }
      if (closed) {
        drop([{ report }], "closed");
        return;
      }
      const t = now();
      let key = verdict && typeof verdict.reportKey === "string" ? verdict.reportKey : null;
      if (key === null) {
        try {
          key = keyOf(report);
        } catch {
          stats.ignored++;
          return;
        }
      }
      const waiting = queued.get(key);
      if (waiting) {
        waiting.occurrences++;
        stats.deduplicated++;
        return;
      }
      const last = recent.get(key);
      if (last !== undefined && t - last < dedupWindowMs) {
        stats.deduplicated++;
        return;
      }
      if (queue.length >= maxQueue) {
        drop([{ report }], "queue-full");
        return;
      }
      // Serialised now: a report JSON cannot carry (a BigInt, a cycle) is ignored here
      // instead of failing its batch later, and what is sent is what send() was given.
      let json;
      try {
        json = JSON.stringify(report);
      } catch {
        json = undefined;
      }
      if (typeof json !== "string") {
        stats.ignored++;
        return;
      }
      recent.delete(key);
      recent.set(key, t);
      if (recent.size > 4 * maxQueue) recent.delete(recent.keys().next().value);
      const entry = { id: crypto.randomUUID(), key, report, json, status: verdict && typeof verdict.status === "string" ? verdict.status : null, occurrences: 1, queuedAt: t };
      queue.push(entry);
      queued.set(key, entry);
      stats.queued = queue.length;
      if (!sending) schedule(Math.max(batchDelayMs, nextAttemptAt - t));
    }

    function post(batch) {
      // Each report as serialised by send() (JSON text, spliced in as is).
      const item = (e) => `{"id":${JSON.stringify(e.id)},"report":${e.json},"reportKey":${JSON.stringify(e.key)},"occurrences":${e.occurrences},"status":${JSON.stringify(e.status)},"client":${JSON.stringify(client)}}`;
      const body = `[${batch.map(item).join(",")}]`;
      const headers = { "content-type": "application/json", "content-length": Buffer.byteLength(body), "user-agent": VERSION };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      return new Promise((settle) => {
        // One deadline for the whole exchange: `timeout` alone is an idle timeout, which a
        // collector that trickles its answer never triggers.
        const deadline = setTimeout(() => request.destroy(new Error(`the collector did not answer within ${timeoutMs} ms`)), timeoutMs);
        deadline.unref();
        const resolve = (value) => {
          clearTimeout(deadline);
          settle(value);
        };
        const request = transport.request(url, { method: "POST", agent, headers, timeout: timeoutMs }, (response) => {
          const chunks = [];
          let size = 0;
          response.on("data", (chunk) => {
            size += chunk.length;
            if (size <= 64 * 1024) chunks.push(chunk);
          });
          response.on("end", () => resolve({ status: response.statusCode, headers: response.headers, text: Buffer.concat(chunks).toString("utf8") }));
          response.on("error", (error) => resolve({ error }));
        });
        request.on("timeout", () => request.destroy(new Error(`the collector did not answer within ${timeoutMs} ms`)));
        request.on("error", (error) => resolve({ error }));
        request.end(body);
      });
    }

    function fail(message, retryAfterMs) {
      stats.failures++;
      stats.lastError = message;
      attempt++;
      const backoff = Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(attempt - 1, 30));
      const delay = Math.max(retryAfterMs || 0, Math.random() * backoff); // full jitter
      nextAttemptAt = now() + delay;
      if (options.onError) later(() => options.onError(new Error(message)));
      return delay;
    }

    /** Sends one batch; resolves true when the queue moved (sent or dropped), false when it must wait. */
    async function sendBatch() {
      const t = now();
      const expired = [];
      while (queue.length && t - queue[0].queuedAt > maxAgeMs) expired.push(queue.shift());
      for (const e of expired) queued.delete(e.key);
      drop(expired, "expired");
      if (!queue.length) return true;
      inFlight = queue.slice(0, batchSize);
      for (const e of inFlight) queued.delete(e.key); // from now on, a new occurrence is a new report
      stats.inFlight = inFlight.length;
      stats.batches++;
      if (attempt > 0) stats.retries++;
      const result = await post(inFlight);
      const batch = inFlight;
      inFlight = [];
      stats.inFlight = 0;
      const remove = (entries) => {
        const gone = new Set(entries);
        for (let i = queue.length - 1; i >= 0; i--) if (gone.has(queue[i])) queue.splice(i, 1);
        stats.queued = queue.length;
      };
      if (result.error) {
        fail(`report delivery failed: ${result.error.message}`);
        return false;
      }
      const { status } = result;
      if (status >= 200 && status < 300) {
        remove(batch);
        stats.sent += batch.length;
        attempt = 0;
        nextAttemptAt = 0;
        return true;
      }
      if (status === 429 || status >= 500 || status === 408) {
        const retryAfter = Number(result.headers["retry-after"]);
        fail(`the collector answered ${status}`, Number.isFinite(retryAfter) ? Math.min(retryAfter * 1000, retryMaxMs) : 0);
        return false;
      }
      // Any other 4xx is not transient. The collector names the report at fault in a
      // batch (error.index): drop that one and send the rest again; else drop the batch.
      let index;
      try {
        index = JSON.parse(result.text).error.index;
      } catch {
        index = undefined;
      }
      if (Number.isInteger(index) && index >= 0 && index < batch.length && batch.length > 1) {
        remove([batch[index]]);
        drop([batch[index]], "rejected", `the collector refused it: ${status} ${result.text.slice(0, 200)}`);
      } else {
        remove(batch);
        drop(batch, "rejected", `the collector refused the batch: ${status} ${result.text.slice(0, 200)}`);
      }
      stats.lastError = `the collector answered ${status}`;
      return true;
    }

    async function pump({ force = false } = {}) {
      if (sending) return;
      sending = true;
      try {
        while (queue.length) {
          if (!force && now() < nextAttemptAt) break;
          const moved = await sendBatch();
          if (!moved) break;
        }
      } finally {
        sending = false;
        stats.queued = queue.length;
        if (queue.length) schedule(Math.max(0, nextAttemptAt - now()));
        for (const resolve of waiters.splice(0)) resolve();
      }
    }

    /** Sends everything queued now (no batch delay, no backoff wait); resolves { sent, pending } after one pass that either empties the queue or meets a failure. */
    async function flush() {
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      const before = stats.sent;
      if (sending) await new Promise((resolve) => waiters.push(resolve));
      await pump({ force: true });
      return { sent: stats.sent - before, pending: queue.length };
    }

    /** Stops accepting reports, delivers what it can within `timeoutMs` (default 5 s), drops the rest (reason "closed"), frees the agent. */
    async function close({ timeoutMs: closeTimeout = 5000 } = {}) {
      closed = true;
      const deadline = Date.now() + closeTimeout;
      const deliver = (async () => {
        while (queue.length && Date.now() < deadline) {
          const { pending } = await flush();
          if (!pending) break;
          await new Promise((resolve) => setTimeout(resolve, Math.min(Math.max(0, nextAttemptAt - now()), Math.max(0, deadline - Date.now()))));
        }
      })().catch((error) => {
        stats.lastError = String(error && error.message); // never an unhandled rejection once the deadline passed
      });
      // The deadline holds even while a batch is in flight: what is still queued then is
      // dropped, and destroying the agent below aborts the request.
      let deadlineTimer;
      await Promise.race([deliver, new Promise((resolve) => (deadlineTimer = setTimeout(resolve, Math.max(0, deadline - Date.now()))))]);
      clearTimeout(deadlineTimer);
      if (timer) clearTimeout(timer);
      timer = null;
      const left = queue.splice(0);
      queued.clear();
      drop(left, "closed");
      stats.queued = 0;
      agent.destroy();
      return snapshot();
    }

    const snapshot = () => ({ ...stats, droppedByReason: { ...stats.droppedByReason } });
    send.flush = flush;
    send.close = close;
    send.stats = snapshot;
    return send;
  }

  return reportSender;
}

module.exports = { makeReportSender };
