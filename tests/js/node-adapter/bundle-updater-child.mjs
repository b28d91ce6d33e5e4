// A child process for bundles-updater.test.mjs: runs a policyUpdater against the test's
// server and reports on stdout, so the test can SIGKILL it in the middle of writing state.
//   CHILD_MODE=pause : refresh once; the write pauses between fsync and rename ("PAUSED")
//   CHILD_MODE=loop  : refresh again and again, printing "PERSISTED <version>" each time
//   CHILD_MODE=once  : start, print "START <version>", refresh, print "DONE <status> <version>"
import { readFileSync } from "node:fs";
import { policyUpdater } from "certpin/node";

const env = process.env;
const updater = policyUpdater({
  url: env.CHILD_URL,
  root: readFileSync(env.CHILD_ROOT, "utf8"),
  statePath: env.CHILD_STATE,
  ca: readFileSync(env.CHILD_CA),
  onExpired: "fail-closed",
  intervalMs: 0,
  _beforeRename: env.CHILD_MODE === "pause"
    ? (temp) => new Promise(() => { process.stdout.write(`PAUSED ${temp}\n`); })
    : undefined,
});
process.stdout.write(`START ${updater.version}\n`);
if (env.CHILD_MODE === "loop") {
  for (;;) {
    const outcome = await updater.refresh();
    if (outcome.status === "updated" && !outcome.error) process.stdout.write(`PERSISTED ${outcome.version}\n`);
  }
} else {
  const outcome = await updater.refresh();
  process.stdout.write(`DONE ${outcome.status} ${updater.version} ${outcome.error ? outcome.error.code : ""}\n`);
}
