// Starts the edge report collector (examples/edge-report-collector) in a real workerd:
// its modules as they are in the repository, the bundled config made by the test, its
// Durable Object on SQLite in a directory the test owns (so that it can kill workerd
// and start it again on the same storage), and text bindings for its vars and secrets.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./helpers.mjs";
import { startWorkerd } from "./workerd-harness.mjs";

export const COLLECTOR_SRC = join(ROOT, "examples", "edge-report-collector", "src");

/** @param {{ name: string, config: object, storageDir: string, bindings?: Record<string, string>, outbound?: boolean, v8Flags?: string[] }} options */
export function startCollector({ name, config, storageDir, bindings = {}, outbound = false, v8Flags = [] }) {
  const modules = {};
  for (const file of readdirSync(COLLECTOR_SRC)) {
    if (file.endsWith(".js") && file !== "worker.js") modules[file] = readFileSync(join(COLLECTOR_SRC, file), "utf8");
  }
  return startWorkerd({
    name,
    worker: readFileSync(join(COLLECTOR_SRC, "worker.js"), "utf8"),
    json: { "collector.config.json": config },
    modules,
    bindings,
    durableObject: { className: "ReportStore", binding: "COLLECTOR", storageDir },
    outbound,
    v8Flags,
  });
}
