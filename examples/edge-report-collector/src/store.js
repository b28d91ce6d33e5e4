// The collector's Durable Object: every accepted report in SQLite, deduplicated by its
// key with a count and first/last seen; hourly counts for the chart; the served pins
// and classifications each host has shown (for "never seen before" alerts); the alerts
// themselves, kept until the webhook takes them or they expire; per-client rate limits.
//
// One object (idFromName("reports")) serialises every write, which is what makes the
// counts exact. A write's RPC answers only after its transaction is durable: SQLite
// storage commits before the output gate lets the answer out, and `sync()` is awaited
// as well where the runtime has it.
import { DurableObject } from "cloudflare:workers";

const HOUR = 3600 * 1000;
const SCHEMA = `
CREATE TABLE IF NOT EXISTS reports (
  key TEXT PRIMARY KEY, host TEXT NOT NULL, port INTEGER NOT NULL, classification TEXT NOT NULL,
  status TEXT NOT NULL, served_pins TEXT NOT NULL, unknown_pins TEXT NOT NULL, subjects TEXT NOT NULL,
  client TEXT, raw TEXT NOT NULL, count INTEGER NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS reports_last_seen ON reports (last_seen);
CREATE INDEX IF NOT EXISTS reports_host ON reports (host, last_seen);
CREATE TABLE IF NOT EXISTS deliveries (id TEXT PRIMARY KEY, key TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS deliveries_at ON deliveries (at);
CREATE TABLE IF NOT EXISTS hourly (hour INTEGER NOT NULL, host TEXT NOT NULL, classification TEXT NOT NULL,
  count INTEGER NOT NULL, PRIMARY KEY (hour, host, classification));
CREATE TABLE IF NOT EXISTS unknown_pins (host TEXT NOT NULL, pin TEXT NOT NULL, subject TEXT, count INTEGER NOT NULL,
  first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, PRIMARY KEY (host, pin));
CREATE TABLE IF NOT EXISTS seen (host TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, first_seen INTEGER NOT NULL,
  PRIMARY KEY (host, kind, value));
CREATE TABLE IF NOT EXISTS alerts (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, host TEXT NOT NULL,
  value TEXT NOT NULL, detail TEXT NOT NULL, created INTEGER NOT NULL, expires INTEGER NOT NULL,
  state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt INTEGER NOT NULL,
  delivered INTEGER, last_error TEXT);
CREATE INDEX IF NOT EXISTS alerts_pending ON alerts (state, next_attempt);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;

const number = (text, fallback, min, max) => {
  const value = Number(text);
  return text !== undefined && Number.isFinite(value) && value >= min && value <= max ? value : fallback;
};

export class ReportStore extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(SCHEMA);
    // Rate limits live in memory: a restart forgets them, which only ever lets more in.
    this.buckets = new Map();
    this.limit = number(env.RATE_LIMIT_PER_MINUTE, 600, 1, 1e9);
    this.alertInterval = number(env.ALERT_MIN_INTERVAL_SECONDS, 10, 0, 86400) * 1000;
    this.alertRetryBase = number(env.ALERT_RETRY_BASE_SECONDS, 5, 0.01, 86400) * 1000;
    this.alertTtl = number(env.ALERT_TTL_HOURS, 72, 0.0001, 24 * 365) * HOUR;
    this.deliveryTtl = number(env.DELIVERY_ID_TTL_HOURS, 48, 1, 24 * 365) * HOUR;
  }

  /** A token bucket per client: `limit` reports a minute, as bursty as that. */
  takeTokens(client, cost, now) {
    let bucket = this.buckets.get(client);
    if (!bucket) {
      if (this.buckets.size >= 10000) this.buckets.delete(this.buckets.keys().next().value);
      bucket = { tokens: this.limit, at: now };
    }
    this.buckets.delete(client);
    this.buckets.set(client, bucket); // most recently used last
    bucket.tokens = Math.min(this.limit, bucket.tokens + ((now - bucket.at) * this.limit) / 60000);
    bucket.at = now;
    if (bucket.tokens < cost) return Math.ceil(((cost - bucket.tokens) * 60000) / this.limit / 1000);
    bucket.tokens -= cost;
    return 0;
  }

  /** Stores judged reports; answers once they are durable. */
  async ingest(client, rows, now) {
    const retryAfter = this.takeTokens(client, rows.length, now);
    if (retryAfter > 0) return { rateLimited: true, retryAfter, limit: this.limit };
    const hour = Math.floor(now / HOUR) * HOUR;
    let alerts = 0;
    const results = this.ctx.storage.transactionSync(() =>
      rows.map((row) => {
        // A delivery id seen before is a retry of a report already counted.
        if (row.id !== null) {
          const earlier = this.sql.exec("SELECT key FROM deliveries WHERE id = ?", row.id).toArray();
          if (earlier.length) {
            const [{ count }] = this.sql.exec("SELECT count FROM reports WHERE key = ?", earlier[0].key).toArray();
            return { key: earlier[0].key, count, duplicate: true };
          }
          this.sql.exec("INSERT INTO deliveries (id, key, at) VALUES (?, ?, ?)", row.id, row.key, now);
        }
        const [{ count }] = this.sql
          .exec(
            `INSERT INTO reports (key, host, port, classification, status, served_pins, unknown_pins, subjects, client, raw, count, first_seen, last_seen)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (key) DO UPDATE SET count = count + excluded.count, last_seen = excluded.last_seen,
               classification = excluded.classification, status = excluded.status, client = excluded.client
             RETURNING count`,
            row.key, row.host, row.port, row.classification, row.status, JSON.stringify(row.servedPins),
            JSON.stringify(row.unknownPins), JSON.stringify(row.subjects), row.client, row.raw, row.occurrences, now, now,
          )
          .toArray();
        this.sql.exec(
          `INSERT INTO hourly (hour, host, classification, count) VALUES (?, ?, ?, ?)
           ON CONFLICT (hour, host, classification) DO UPDATE SET count = count + excluded.count`,
          hour, row.host, row.classification, row.occurrences,
        );
        for (const { pin, subject } of row.unknownPins) {
          this.sql.exec(
            `INSERT INTO unknown_pins (host, pin, subject, count, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (host, pin) DO UPDATE SET count = count + excluded.count, last_seen = excluded.last_seen`,
            row.host, pin, subject, row.occurrences, now, now,
          );
        }
        // The "unexpected certificate change" signal: a classification or a served pin
        // this host has never shown.
        const novel = [["classification", row.classification, null]];
        row.servedPins.forEach((pin, i) => novel.push(["pin", pin, row.subjects[i] ?? null]));
        for (const [kind, value, subject] of novel) {
          const inserted = this.sql.exec("INSERT OR IGNORE INTO seen (host, kind, value, first_seen) VALUES (?, ?, ?, ?)", row.host, kind, value, now).rowsWritten;
          if (inserted > 0) {
            const detail = { host: row.host, port: row.port, value, subject, classification: row.classification, status: row.status, reportKey: row.key, firstSeen: new Date(now).toISOString() };
            this.sql.exec(
              "INSERT INTO alerts (kind, host, value, detail, created, expires, state, next_attempt) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
              kind === "pin" ? "new-pin" : "new-classification", row.host, value, JSON.stringify(detail), now, now + this.alertTtl, now,
            );
            alerts++;
          }
        }
        return { key: row.key, count, duplicate: false };
      }),
    );
    if (alerts > 0) await this.schedule(now);
    if (typeof this.ctx.storage.sync === "function") await this.ctx.storage.sync();
    return { results };
  }

  /** Rows for GET /reports and /export, newest first. */
  list({ host, classification, since, limit }) {
    const where = [];
    const args = [];
    if (host !== undefined) (where.push("host = ?"), args.push(host));
    if (classification !== undefined) (where.push("classification = ?"), args.push(classification));
    if (since !== undefined) (where.push("last_seen >= ?"), args.push(since));
    const rows = this.sql
      .exec(`SELECT * FROM reports ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY last_seen DESC, key LIMIT ?`, ...args, limit)
      .toArray();
    return rows.map((row) => ({
      key: row.key,
      host: row.host,
      port: row.port,
      classification: row.classification,
      status: row.status,
      count: row.count,
      firstSeen: row.first_seen,
      lastSeen: row.last_seen,
      client: row.client,
      servedPins: JSON.parse(row.served_pins),
      subjects: JSON.parse(row.subjects),
      unknownPins: JSON.parse(row.unknown_pins),
      report: JSON.parse(row.raw),
    }));
  }

  /** GET /summary: totals per host and classification, the hourly series, top unknown pins, alerts. */
  summary({ since }) {
    const one = (query, ...args) => this.sql.exec(query, ...args).toArray()[0];
    const hosts = this.sql
      .exec("SELECT host, SUM(count) AS count, COUNT(*) AS distinctReports, MIN(first_seen) AS firstSeen, MAX(last_seen) AS lastSeen FROM reports GROUP BY host ORDER BY count DESC")
      .toArray();
    const byHost = new Map(hosts.map((h) => [h.host, { ...h, classifications: {} }]));
    const classifications = {};
    for (const row of this.sql.exec("SELECT host, classification, SUM(count) AS count FROM reports GROUP BY host, classification").toArray()) {
      byHost.get(row.host).classifications[row.classification] = row.count;
      classifications[row.classification] = (classifications[row.classification] ?? 0) + row.count;
    }
    const totals = one("SELECT COALESCE(SUM(count), 0) AS total, COUNT(*) AS distinctReports FROM reports");
    const alerts = { pending: 0, delivered: 0, expired: 0 };
    for (const row of this.sql.exec("SELECT state, COUNT(*) AS n FROM alerts GROUP BY state").toArray()) alerts[row.state] = row.n;
    const attempts = one("SELECT COALESCE(SUM(attempts), 0) AS attempts FROM alerts");
    const lastError = this.sql.exec("SELECT last_error FROM alerts WHERE last_error IS NOT NULL ORDER BY id DESC LIMIT 1").toArray()[0];
    return {
      total: totals.total,
      distinctReports: totals.distinctReports,
      hosts: [...byHost.values()],
      classifications,
      timeline: this.sql.exec("SELECT hour, host, SUM(count) AS count FROM hourly WHERE hour >= ? GROUP BY hour, host ORDER BY hour", Math.floor(since / HOUR) * HOUR).toArray(),
      unknownPins: this.sql.exec("SELECT host, pin, subject, count, first_seen AS firstSeen, last_seen AS lastSeen FROM unknown_pins ORDER BY count DESC, last_seen DESC LIMIT 20").toArray(),
      alerts: { ...alerts, attempts: attempts.attempts, webhook: Boolean(this.env.ALERT_WEBHOOK), lastError: lastError?.last_error ?? null },
    };
  }

  /**
   * Sets the alarm for the next alert that is due (no earlier than the rate limit allows).
   * From inside alarm() it is always set: getAlarm() may still return the running alarm,
   * which is deleted when the handler returns.
   */
  async schedule(now, { fromAlarm = false } = {}) {
    const next = this.sql.exec("SELECT MIN(MIN(next_attempt, expires)) AS at FROM alerts WHERE state = 'pending'").toArray()[0].at;
    const prune = now + 6 * HOUR;
    const lastSent = this.sql.exec("SELECT value FROM meta WHERE name = 'last_webhook'").toArray()[0]?.value ?? 0;
    const at = next === null ? prune : Math.max(next, lastSent + this.alertInterval);
    const current = await this.ctx.storage.getAlarm();
    if (fromAlarm || current === null || current > at || current <= now) await this.ctx.storage.setAlarm(Math.max(at, now + 1));
  }

  /** Delivers due alerts (one webhook call per interval, up to 50 alerts in it), expires old ones, prunes delivery ids. */
  async alarm() {
    const now = Date.now();
    this.sql.exec("UPDATE alerts SET state = 'expired' WHERE state = 'pending' AND expires <= ?", now);
    this.sql.exec("DELETE FROM deliveries WHERE at < ?", now - this.deliveryTtl);
    const lastSent = this.sql.exec("SELECT value FROM meta WHERE name = 'last_webhook'").toArray()[0]?.value ?? 0;
    const webhook = this.env.ALERT_WEBHOOK;
    if (webhook && now >= lastSent + this.alertInterval) {
      const due = this.sql.exec("SELECT id, kind, detail, attempts FROM alerts WHERE state = 'pending' AND next_attempt <= ? ORDER BY id LIMIT 50", now).toArray();
      if (due.length) {
        this.sql.exec("INSERT INTO meta (name, value) VALUES ('last_webhook', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value", now);
        const alerts = due.map((a) => ({ ...JSON.parse(a.detail), id: a.id, kind: a.kind, attempt: a.attempts + 1 }));
        let error = null;
        try {
          const headers = { "content-type": "application/json" };
          if (this.env.ALERT_WEBHOOK_TOKEN) headers.authorization = `Bearer ${this.env.ALERT_WEBHOOK_TOKEN}`;
          const response = await fetch(webhook, {
            method: "POST",
            headers,
            body: JSON.stringify({ source: "certpin-report-collector", alerts }),
            signal: AbortSignal.timeout(10000),
          });
          await response.body?.cancel();
          if (!response.ok) error = `webhook answered ${response.status}`;
        } catch (e) {
          error = `webhook failed: ${String(e && e.message).slice(0, 200)}`;
        }
        const ids = due.map((a) => a.id);
        if (error === null) {
          this.sql.exec(`UPDATE alerts SET state = 'delivered', delivered = ?, attempts = attempts + 1 WHERE id IN (${ids.map(() => "?").join(",")})`, now, ...ids);
        } else {
          for (const a of due) {
            // Exponential backoff with jitter, capped at an hour.
            const delay = Math.min(HOUR, this.alertRetryBase * 2 ** Math.min(a.attempts, 20)) * (0.5 + Math.random() / 2);
            this.sql.exec("UPDATE alerts SET attempts = attempts + 1, next_attempt = ?, last_error = ? WHERE id = ?", now + delay, error, a.id);
          }
        }
      }
    }
    await this.schedule(now, { fromAlarm: true });
  }
}
