#!/usr/bin/env node
// `npm start`: build, then serve www/ and the built package on http://127.0.0.1:8080
// (the PORT environment variable overrides the port).
import { build } from "./build.mjs";
import { createAppServer } from "./lib/app-server.mjs";
import { listen } from "./lib/static-server.mjs";
import { log } from "./lib/tools.mjs";

try {
  build();
} catch (error) {
  log(`build failed: ${error.message}`);
  process.exit(1);
}

const requested = process.env.PORT === undefined ? 8080 : Number(process.env.PORT);
if (!Number.isInteger(requested) || requested < 0 || requested > 65535) {
  log(`PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(1);
}
const server = createAppServer();
try {
  const port = await listen(server, requested);
  log(`serving www/ and pkg/ on http://127.0.0.1:${port}/ (Ctrl-C stops)`);
} catch (error) {
  log(`cannot listen on 127.0.0.1:${requested}: ${error.message}`);
  process.exit(1);
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
