// A small static file server for `npm start` and the browser tests. Listens on
// 127.0.0.1 only, serves GET/HEAD from a few mounted folders, never outside them.
import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, resolve, sep } from "node:path";

export const MIME_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".cjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
};

/**
 * mounts: { "/pkg/": "/abs/pkg", "/": "/abs/www" } (longest prefix wins).
 * routes: { "/path": () => ({ type, body }) } for generated responses.
 * headers: extra response headers (e.g. a Content-Security-Policy) for every response.
 */
export function createStaticServer({ mounts, routes = {}, headers = {} }) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  return createServer((request, response) => {
    const send = (status, type, body) => {
      response.writeHead(status, {
        "content-type": type,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        ...headers,
      });
      response.end(request.method === "HEAD" ? undefined : body);
    };
    if (request.method !== "GET" && request.method !== "HEAD") {
      send(405, "text/plain; charset=utf-8", "method not allowed\n");
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(request.url, "http://localhost").pathname);
    } catch {
      send(400, "text/plain; charset=utf-8", "bad request\n");
      return;
    }
    if (Object.hasOwn(routes, pathname)) {
      try {
        const { type, body } = routes[pathname]();
        send(200, type, body);
      } catch (error) {
        send(500, "text/plain; charset=utf-8", `${error.message}\n`);
      }
      return;
    }
    const prefix = prefixes.find((p) => pathname.startsWith(p));
    if (prefix === undefined || pathname.includes("\0")) {
      send(404, "text/plain; charset=utf-8", "not found\n");
      return;
    }
    const base = resolve(mounts[prefix]);
    let file = resolve(join(base, pathname.slice(prefix.length)));
    if (file !== base && !file.startsWith(base + sep)) {
      send(404, "text/plain; charset=utf-8", "not found\n");
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      const stat = statSync(file);
      response.writeHead(200, {
        "content-type": MIME_TYPES[extname(file)] ?? "application/octet-stream",
        "content-length": stat.size,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        ...headers,
      });
      if (request.method === "HEAD") response.end();
      else createReadStream(file).pipe(response);
    } catch {
      send(404, "text/plain; charset=utf-8", "not found\n");
    }
  });
}

/** Starts listening on 127.0.0.1:port (0 = any free port); resolves the bound port. */
export function listen(server, port) {
  return new Promise((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolvePromise(server.address().port);
    });
  });
}
