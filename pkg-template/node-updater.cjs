"use strict";
// policyUpdater: keeps a pin policy current from a signed bundle served at a
// URL, following the client rules of The Update Framework (TUF). It fetches the bundle
// (host I/O here, never in wasm) with a timeout and a size bound, verifies it against the
// trust root in the wasm core, never accepts a version below the highest one seen, and
// persists the last good bundle and that version in `statePath` atomically (temporary
// file, fsync, rename, fsync of the directory), so a crash or a restart never loses them.
// Adapters take an updater wherever they take a policy and ask it for the current policy
// on every new connection (`currentPolicy`).
const fs = require("node:fs");
const fsp = require("node:fs/promises");
const path = require("node:path");
const http = require("node:http");
const https = require("node:https");
const crypto = require("node:crypto");

const STATE_FORMAT = "certpin-updater-state-v1";
// Larger than the core's bundle bound (320 KiB), so the core's own error names the bound.
const DEFAULT_MAX_BYTES = 512 * 1024;
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_INTERVAL_MS = 60 * 60 * 1000;
// A state file holds one bundle (at most the core's 320 KiB bound, JSON-escaped): a larger
// one is not read at all.
const MAX_STATE_BYTES = 2 * 1024 * 1024;
const OPTIONS = ["url", "root", "statePath", "fallback", "onExpired", "intervalMs", "timeoutMs", "maxBytes",
  "ca", "headers", "onUpdate", "onError", "onOutcome", "onWarning", "_beforeRename"];
const UPDATER = Symbol.for("certpin.policyUpdater");

function makeUpdater(certpin) {
  const { verifyBundle, PinPolicy, CertpinError } = certpin;

  function certpinError(code, message, extra) {
    return Object.assign(new CertpinError(message, code), extra);
  }
  const invalid = (argument, reason) =>
    certpinError("INVALID_ARGUMENT", `invalid ${argument}: ${reason}`, { argument });
  const text = (doc) => (typeof doc === "string" ? doc : JSON.stringify(doc));

  /** GET `url`: the body as text (at most maxBytes), or null for 304 Not Modified. */
  function fetchText(url, { timeoutMs, maxBytes, ca, headers, etag }) {
    return new Promise((resolve, reject) => {
      let target;
      try {
        target = new URL(url);
      } catch {
        reject(invalid("url", `${JSON.stringify(url)} is not a URL`));
        return;
      }
      const lib = target.protocol === "https:" ? https : target.protocol === "http:" ? http : null;
      if (lib === null) {
        reject(invalid("url", "must be an https: (or http:) URL"));
        return;
      }
      const fail = (message, extra) => certpinError("BUNDLE_FETCH_FAILED", `cannot fetch the policy bundle from ${url}: ${message}`, extra);
      let req;
      try {
        req = lib.get(target, {
          ...(ca !== undefined ? { ca } : {}),
          headers: { accept: "application/json", ...(etag ? { "if-none-match": etag } : {}), ...headers },
        });
      } catch (error) {
        // A request Node refuses to make (a server ETag that is no valid header value, a bad ca).
        reject(fail(error.message, { cause: error }));
        return;
      }
      // One deadline for the whole exchange (connect, headers and body), not per read.
      const timer = setTimeout(() => req.destroy(fail(`no complete answer within ${timeoutMs} ms`)), timeoutMs);
      const done = (fn, value) => {
        clearTimeout(timer);
        fn(value);
      };
      req.on("error", (error) => done(reject, error.code === "BUNDLE_FETCH_FAILED" || error.code === "INPUT_TOO_LARGE" ? error : fail(error.message, { cause: error })));
      req.on("response", (res) => {
        if (res.statusCode === 304) {
          res.resume();
          done(resolve, null);
          return;
        }
        if (res.statusCode !== 200) {
          res.resume();
          req.destroy(fail(`HTTP status ${res.statusCode}`));
          return;
        }
        const declared = Number(res.headers["content-length"]);
        if (Number.isFinite(declared) && declared > maxBytes) {
          req.destroy(certpinError("INPUT_TOO_LARGE", `the policy bundle at ${url} is ${declared} bytes, over the limit of ${maxBytes} bytes (maxBytes)`, { bytes: declared, limit: maxBytes }));
          return;
        }
        const chunks = [];
        let bytes = 0;
        res.on("data", (chunk) => {
          bytes += chunk.length;
          if (bytes > maxBytes) {
            req.destroy(certpinError("INPUT_TOO_LARGE", `the policy bundle at ${url} is over the limit of ${maxBytes} bytes (maxBytes); the download was cut off`, { bytes, limit: maxBytes }));
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => {
          if (bytes > maxBytes) return;
          done(resolve, { body: Buffer.concat(chunks).toString("utf8"), etag: res.headers.etag });
        });
        res.on("error", (error) => done(reject, fail(error.message, { cause: error })));
      });
    });
  }

  /** Writes `data` to `file` atomically: temporary file, fsync, rename, fsync of the directory. */
  async function writeAtomically(file, data, beforeRename) {
    const dir = path.dirname(file);
    const temp = path.join(dir, `${path.basename(file)}.tmp-${process.pid}-${crypto.randomBytes(6).toString("hex")}`);
    const handle = await fsp.open(temp, "w", 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      if (beforeRename) await beforeRename(temp);
      await fsp.rename(temp, file);
    } catch (error) {
      await fsp.rm(temp, { force: true });
      throw error;
    }
    let dirHandle;
    try {
      dirHandle = await fsp.open(dir, "r");
      await dirHandle.sync();
    } catch {
      // Some platforms (Windows) cannot fsync a directory; the rename is still atomic there.
    } finally {
      await dirHandle?.close();
    }
  }

  function policyUpdater(options) {
    if (options === null || typeof options !== "object") throw invalid("options", "policyUpdater({ url, root, statePath, fallback, onExpired })");
    for (const key of Object.keys(options)) {
      if (!OPTIONS.includes(key)) throw invalid("options", `unknown option ${JSON.stringify(key)}; known options: ${OPTIONS.filter((o) => !o.startsWith("_")).join(", ")}`);
    }
    const { url, root, statePath, fallback, onExpired } = options;
    if (typeof url !== "string") throw invalid("url", "the URL the signed bundle is served at is required");
    // Checked now, not at the first refresh (where they would only show in its outcome).
    let parsedUrl;
    try {
      parsedUrl = new URL(url);
    } catch {
      throw invalid("url", `${JSON.stringify(url)} is not a URL`);
    }
    if (parsedUrl.protocol !== "https:" && parsedUrl.protocol !== "http:") throw invalid("url", "must be an https: (or http:) URL");
    if (options.headers !== undefined) {
      if (options.headers === null || typeof options.headers !== "object" || Array.isArray(options.headers)) throw invalid("headers", "must be an object of header names to string values");
      for (const [name, value] of Object.entries(options.headers)) {
        try {
          if (typeof value !== "string") throw new Error("the value must be a string");
          http.validateHeaderName(name);
          http.validateHeaderValue(name, value);
        } catch (error) {
          throw invalid(`headers.${name}`, error.message);
        }
      }
    }
    if (root === undefined || root === null) throw invalid("root", "the trust root (root.json) is required");
    if (onExpired !== "fail-open" && onExpired !== "fail-closed") {
      throw invalid("onExpired", 'say what happens when the last good bundle expires: "fail-open" (pins stop being enforced, with a warning) or "fail-closed" (connections to pinned hosts are refused)');
    }
    if (statePath !== undefined && typeof statePath !== "string") throw invalid("statePath", "must be a file path");
    const number = (name, fallbackValue, min) => {
      const v = options[name];
      if (v === undefined) return fallbackValue;
      if (!Number.isInteger(v) || v < min) throw invalid(name, `must be a whole number >= ${min}`);
      return v;
    };
    const intervalMs = number("intervalMs", DEFAULT_INTERVAL_MS, 0);
    const timeoutMs = number("timeoutMs", DEFAULT_TIMEOUT_MS, 1);
    const maxBytes = number("maxBytes", DEFAULT_MAX_BYTES, 1);
    const rootText = text(root);
    const callback = (name) => {
      const f = options[name];
      if (f !== undefined && typeof f !== "function") throw invalid(name, "must be a function");
      return f;
    };
    const onUpdate = callback("onUpdate");
    const onError = callback("onError");
    const onOutcome = callback("onOutcome");
    const onWarning = callback("onWarning") || ((message) => process.emitWarning(message, { code: "CERTPIN_BUNDLE_EXPIRED" }));

    // The current verified bundle: { text, verified, policy }; highest: the highest version seen.
    let current = null;
    let highest = 0;
    let etag;
    let expiredPolicy = null;
    let warnedVersion = null;

    /** Verifies a bundle text that was good once (state, fallback) even if it has since expired. */
    function verifyStored(bundleText, minVersion) {
      try {
        return verifyBundle(bundleText, { root: rootText, minVersion });
      } catch (error) {
        if (error.code !== "BUNDLE_EXPIRED") throw error;
        // Check everything else at an instant inside its validity; expiry is handled by onExpired.
        const expires = Date.parse(JSON.parse(bundleText).signed.expires);
        return verifyBundle(bundleText, { root: rootText, minVersion, now: expires - 1 });
      }
    }

    function adopt(bundleText, verified) {
      current = { text: bundleText, verified, policy: PinPolicy.fromBundle(bundleText, { root: rootText, now: Date.parse(verified.issuedAt) }) };
      expiredPolicy = null;
      highest = Math.max(highest, verified.version);
    }

    const report = (outcome) => {
      try {
        onOutcome?.(outcome);
        if (outcome.status === "updated") onUpdate?.(outcome);
        if (outcome.error) onError?.(outcome.error, outcome);
      } catch {
        // A throwing callback must not break the updater.
      }
    };

    // Start from the state file, else the fallback shipped with the application.
    if (statePath !== undefined) {
      let stateText;
      try {
        const size = fs.statSync(statePath).size;
        if (size > MAX_STATE_BYTES) throw new Error(`it is ${size} bytes, over the ${MAX_STATE_BYTES} bytes a state file can be`);
        stateText = fs.readFileSync(statePath, "utf8");
      } catch (error) {
        if (error.code !== "ENOENT") {
          report({ status: "failed", version: null, error: certpinError("BUNDLE_STATE_INVALID", `the updater state ${statePath} cannot be read (${error.message}); starting from the fallback bundle`, { cause: error }) });
        }
      }
      if (stateText !== undefined) {
        try {
          const state = JSON.parse(stateText);
          if (state.format !== STATE_FORMAT || typeof state.bundle !== "string") throw new Error(`not a ${STATE_FORMAT} file`);
          const verified = verifyStored(state.bundle, 0);
          // The highest version seen is the signed version of the last good bundle (only
          // higher versions are ever adopted); the file's unsigned highestVersion is not
          // trusted, so a tampered file cannot lock the updater out of new versions.
          adopt(state.bundle, verified);
        } catch (error) {
          report({ status: "failed", version: null, error: certpinError("BUNDLE_STATE_INVALID", `the updater state ${statePath} is not usable (${error.message}); starting from the fallback bundle`, { cause: error }) });
        }
      }
      // Temporary files of a write that never finished (the process died before the rename).
      try {
        const prefix = `${path.basename(statePath)}.tmp-`;
        for (const name of fs.readdirSync(path.dirname(statePath))) {
          if (name.startsWith(prefix)) fs.rmSync(path.join(path.dirname(statePath), name), { force: true });
        }
      } catch {
        // Nothing to clean.
      }
    }
    if (fallback !== undefined && fallback !== null) {
      const fallbackText = text(fallback);
      // A broken fallback is a packaging mistake: say so now, not at the first connection.
      const verified = verifyStored(fallbackText, 0);
      if (current === null || verified.version > current.verified.version) {
        if (verified.version >= highest) adopt(fallbackText, verified);
      }
    }

    async function persist() {
      if (statePath === undefined || current === null) return;
      // Another process sharing the file may have stored a higher version meanwhile:
      // never replace it with a lower one (the file's highest version only grows).
      try {
        if ((await fsp.stat(statePath)).size > MAX_STATE_BYTES) throw new Error("oversized");
        const onDisk = JSON.parse(await fsp.readFile(statePath, "utf8"));
        if (verifyStored(onDisk.bundle, 0).version > current.verified.version) return;
      } catch {
        // No state yet, or an unusable one: write ours.
      }
      const state = JSON.stringify({ format: STATE_FORMAT, highestVersion: highest, bundle: current.text });
      await writeAtomically(statePath, `${state}\n`, options._beforeRename);
    }

    async function refreshOnce() {
      let fetched;
      try {
        fetched = await fetchText(url, { timeoutMs, maxBytes, ca: options.ca, headers: options.headers || {}, etag: current ? etag : undefined });
      } catch (error) {
        return { status: "failed", version: current?.verified.version ?? null, error };
      }
      if (fetched === null) return { status: "unchanged", version: current?.verified.version ?? null };
      let verified;
      try {
        verified = verifyBundle(fetched.body, { root: rootText, minVersion: highest });
      } catch (error) {
        return { status: "refused", version: current?.verified.version ?? null, error };
      }
      if (current !== null && verified.version === current.verified.version) {
        etag = fetched.etag;
        return { status: "unchanged", version: verified.version };
      }
      const previousVersion = current?.verified.version ?? null;
      adopt(fetched.body, verified);
      etag = fetched.etag;
      try {
        await persist();
      } catch (error) {
        // The newer policy is used anyway; only its persistence failed.
        return { status: "updated", version: verified.version, previousVersion, error };
      }
      return { status: "updated", version: verified.version, previousVersion };
    }

    let inFlight = null;
    function refresh() {
      if (inFlight === null) {
        inFlight = refreshOnce().catch((error) => ({ status: "failed", version: current?.verified.version ?? null, error })).then((outcome) => {
          inFlight = null;
          report(outcome);
          return outcome;
        });
      }
      return inFlight;
    }

    let timer = null;
    if (intervalMs > 0) {
      timer = setInterval(() => { refresh(); }, intervalMs);
      timer.unref?.();
    }

    /** The policy for a new connection: the newest verified one, or what onExpired says. */
    function currentPolicy() {
      if (current === null) {
        throw certpinError("BUNDLE_UNAVAILABLE", `no verified policy bundle yet from ${url}: ship a fallback bundle (policyUpdater({ fallback })) or await updater.refresh() before connecting`);
      }
      const expiresAt = Date.parse(current.verified.expires);
      if (Date.now() < expiresAt) return current.policy;
      if (onExpired === "fail-closed") {
        // The core's own BUNDLE_EXPIRED error, with its message.
        verifyBundle(current.text, { root: rootText });
        throw certpinError("BUNDLE_EXPIRED", `bundle version ${current.verified.version} expired at ${current.verified.expires}`);
      }
      if (warnedVersion !== current.verified.version) {
        warnedVersion = current.verified.version;
        try {
          onWarning(`certpin: the policy bundle version ${current.verified.version} expired at ${current.verified.expires} and no newer one verified; pins are not enforced (onExpired: "fail-open") until a fresh bundle is served`);
        } catch {
          // Ignore a throwing warning handler.
        }
      }
      if (expiredPolicy === null) {
        // Fail open the way an expired policy entry does: status "policy-expired", not enforced.
        const doc = JSON.parse(JSON.stringify(current.verified.policy));
        for (const domain of doc.domains) {
          if (domain.expires === undefined || Date.parse(domain.expires) > expiresAt) domain.expires = current.verified.expires;
        }
        expiredPolicy = new PinPolicy(doc);
      }
      return expiredPolicy;
    }

    const updater = {
      [UPDATER]: true,
      refresh,
      currentPolicy,
      /** Stops the interval refresh. */
      close() {
        if (timer !== null) clearInterval(timer);
        timer = null;
      },
      get version() {
        return current === null ? null : current.verified.version;
      },
      get policy() {
        return current === null ? null : current.policy;
      },
      get highestVersion() {
        return highest;
      },
      get expires() {
        return current === null ? null : current.verified.expires;
      },
    };
    return updater;
  }

  return { policyUpdater };
}

/** Whether `value` is a policyUpdater (adapters then ask it for the policy per connection). */
function isUpdater(value) {
  return value !== null && typeof value === "object" && value[UPDATER] === true;
}

/** The policy to use for a new connection: an updater's current one, else `policy` itself. */
function currentPolicy(policy) {
  return isUpdater(policy) ? policy.currentPolicy() : policy;
}

module.exports = { makeUpdater, isUpdater, currentPolicy };
