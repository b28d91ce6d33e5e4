// Durability of the edge collector in a real workerd with its Durable Object on SQLite
// on local disk: 10,000 reports posted by concurrent clients, workerd killed with SIGKILL
// half-way, started again on the same storage directory. Every report that got a 2xx is
// still counted (none lost); the reports whose answer the kill swallowed are retried by
// their clients with the same delivery id, and none is counted twice.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { fixture, pemBlocks, tempDir } from "../support/helpers.mjs";
import { startCollector } from "../support/collector-harness.mjs";

const TOTAL = Number(process.env.CERTPIN_DURABILITY_REPORTS || 10000);
const VARIANTS = 50; // distinct report keys (one per port); each gets TOTAL / VARIANTS reports
const CLIENTS = 32;
const KILL_AFTER = Math.floor(TOTAL / 2);
const READ_TOKEN = "durability-read-token";

const blocks = (pem) => pemBlocks(pem).map(({ der }) => `-----BEGIN CERTIFICATE-----\n${der.toString("base64").replace(/(.{64})/g, "$1\n")}\n-----END CERTIFICATE-----\n`);
const EC_CHAIN = blocks(fixture("ec-chain.pem"));
const CONFIG = {
  policy: { version: 1, domains: [{ host: "ec.example.com", pins: ["sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="] }] },
  knownRoots: [fixture("ec-root.pem")],
};
const variantOf = (i) => i % VARIANTS;
const item = (i) => ({
  id: `durability-${i}`,
  report: {
    "date-time": new Date(Date.parse("2027-01-01T00:00:00Z") + i * 1000).toISOString(),
    hostname: "ec.example.com",
    port: 1000 + variantOf(i),
    "served-certificate-chain": EC_CHAIN,
  },
});

async function counts(collector) {
  const response = await fetch(new URL("/reports?limit=1000", collector.url), { headers: { authorization: `Bearer ${READ_TOKEN}` } });
  assert.equal(response.status, 200);
  const { reports } = await response.json();
  const byVariant = new Map(reports.map((row) => [row.port - 1000, row.count]));
  return { byVariant, total: reports.reduce((sum, row) => sum + row.count, 0) };
}

test(`durability: ${TOTAL} reports, SIGKILL half-way, restart on the same SQLite storage: none lost, none counted twice`, { timeout: 15 * 60 * 1000 }, async () => {
  const work = tempDir("collector-durability");
  const storageDir = join(work.dir, "storage");
  const start = () => startCollector({ name: "collector-durability", config: CONFIG, storageDir, bindings: { READ_TOKEN, RATE_LIMIT_PER_MINUTE: "1000000000" } });
  let collector = await start();
  const acked = new Set(); // ids that got a 2xx
  const attempted = new Set(); // ids sent at least once
  let next = 0;
  let killed = null;
  const began = performance.now();
  try {
    // Phase 1: concurrent clients until the kill; each takes the next id.
    const client = async () => {
      while (next < TOTAL && !killed) {
        const i = next++;
        attempted.add(i);
        try {
          const response = await fetch(new URL("/report", collector.url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(item(i)) });
          const body = await response.json();
          if (response.status === 200) {
            assert.equal(body.classification, "pin-mismatch");
            acked.add(i);
          } else {
            assert.fail(`report ${i}: ${response.status} ${JSON.stringify(body)}`);
          }
        } catch (error) {
          if (!killed) throw error; // before the kill, every report must be accepted
        }
        if (acked.size >= KILL_AFTER && !killed) killed = collector.kill();
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    await killed;
    const ackedAtKill = new Set(acked);
    const phase1 = performance.now() - began;

    // Restart on the same storage directory: every acknowledged report is there.
    collector = await start();
    const after = await counts(collector);
    for (let v = 0; v < VARIANTS; v++) {
      const ackedHere = [...ackedAtKill].filter((i) => variantOf(i) === v).length;
      const attemptedHere = [...attempted].filter((i) => variantOf(i) === v).length;
      const stored = after.byVariant.get(v) ?? 0;
      assert.ok(stored >= ackedHere, `variant ${v}: ${stored} stored < ${ackedHere} acknowledged (a report was lost)`);
      assert.ok(stored <= attemptedHere, `variant ${v}: ${stored} stored > ${attemptedHere} sent (a report was counted twice)`);
    }
    const inDoubt = attempted.size - ackedAtKill.size;

    // Phase 2: the clients retry what was not acknowledged (same ids), then send the rest.
    const pending = [...attempted].filter((i) => !acked.has(i));
    const retry = async () => {
      for (;;) {
        const i = pending.length ? pending.pop() : next < TOTAL ? next++ : null;
        if (i === null) return;
        attempted.add(i);
        const response = await fetch(new URL("/report", collector.url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(item(i)) });
        assert.equal(response.status, 200, `report ${i}`);
        await response.arrayBuffer();
        acked.add(i);
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, retry));
    assert.equal(acked.size, TOTAL);
    const final = await counts(collector);
    assert.equal(final.total, TOTAL);
    for (let v = 0; v < VARIANTS; v++) assert.equal(final.byVariant.get(v), TOTAL / VARIANTS, `variant ${v}`);

    // Kill once more right after the last 2xx: still exact after a restart.
    await collector.kill();
    collector = await start();
    const again = await counts(collector);
    assert.equal(again.total, TOTAL);
    const seconds = (performance.now() - began) / 1000;
    console.log(
      `durability: ${TOTAL} reports from ${CLIENTS} concurrent clients in ${seconds.toFixed(1)} s (phase 1: ${ackedAtKill.size} acknowledged in ${(phase1 / 1000).toFixed(1)} s); ` +
        `at the SIGKILL ${inDoubt} were in flight, ${after.total - ackedAtKill.size} of them had been stored; after retries: ${final.total} counted, exactly ${TOTAL / VARIANTS} per key`,
    );
  } finally {
    await collector.stop();
    work.remove();
  }
});
