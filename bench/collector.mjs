// The edge collector row of `npm run bench`: reports per second that the collector in a
// real workerd sustains on this machine, each answered only once stored in its Durable
// Object's SQLite on local disk, with the latency of each POST (p50/p99). A benchmark,
// not a test: nothing is asserted. Brief (a few seconds per row) on a shared machine.
import { join } from "node:path";
import { startCollector } from "../tests/js/support/collector-harness.mjs";
import { fixture, pemBlocks, tempDir } from "../tests/js/support/helpers.mjs";

const EC_CHAIN = pemBlocks(fixture("ec-chain.pem")).map(({ der }) => `-----BEGIN CERTIFICATE-----\n${der.toString("base64")}\n-----END CERTIFICATE-----\n`);
const CONFIG = {
  policy: { version: 1, domains: [{ host: "ec.example.com", pins: ["sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="] }] },
  knownRoots: [fixture("ec-root.pem")],
};

export async function benchCollector({ quick = false } = {}) {
  const work = tempDir("bench-collector");
  const collector = await startCollector({ name: "bench-collector", config: CONFIG, storageDir: join(work.dir, "storage"), bindings: { READ_TOKEN: "bench", RATE_LIMIT_PER_MINUTE: "1000000000" } });
  let n = 0;
  const item = () => {
    n++;
    // 200 distinct report keys (ports), every report with its own delivery id and time.
    return { id: `bench-${n}`, report: { "date-time": new Date(Date.parse("2027-01-01T00:00:00Z") + n * 1000).toISOString(), hostname: "ec.example.com", port: 1 + (n % 200), "served-certificate-chain": EC_CHAIN } };
  };
  const rows = [];
  try {
    for (const [label, clients, batch] of [["one report per POST", 16, 1], ["batches of 50", 4, 50]]) {
      const seconds = quick ? 2 : 5;
      const latencies = [];
      let reports = 0;
      const deadline = performance.now() + seconds * 1000;
      const began = performance.now();
      const client = async () => {
        while (performance.now() < deadline) {
          const body = JSON.stringify(batch === 1 ? item() : Array.from({ length: batch }, item));
          const t = performance.now();
          const response = await fetch(new URL("/report", collector.url), { method: "POST", headers: { "content-type": "application/json" }, body });
          await response.arrayBuffer();
          if (response.status !== 200) throw new Error(`collector answered ${response.status}`);
          latencies.push(performance.now() - t);
          reports += batch;
        }
      };
      await Promise.all(Array.from({ length: clients }, client));
      const elapsed = (performance.now() - began) / 1000;
      latencies.sort((a, b) => a - b);
      rows.push({ label, clients, rate: reports / elapsed, p50: latencies[latencies.length >> 1], p99: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))], reports, elapsed });
    }
  } finally {
    await collector.stop();
    work.remove();
  }
  console.log("\n## edge collector (workerd, Durable Object on SQLite on local disk; 2xx only once stored)");
  console.log("| load | clients | reports/s | p50 ms per POST | p99 ms per POST | reports in run |");
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const r of rows) console.log(`| ${r.label} | ${r.clients} | ${r.rate.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.reports} in ${r.elapsed.toFixed(1)} s |`);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchCollector({ quick: process.argv.includes("--quick") });
