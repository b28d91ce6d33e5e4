#!/usr/bin/env node
// `npm run size`: raw and gzip (level 9) bytes of the built pkg/certpin_bg.wasm.
// `npm run size -- --crates`: also where those bytes come from. The wasm-bindgen output
// of the last build (which keeps the name section) goes through the same wasm-opt
// arguments as the build plus `-g`, which keeps the function names and changes no code;
// each function body is then counted for the crate its name starts with, and certpin's own
// bodies for their module. Data segments have no names: they are one row, split into text
// (messages, panic locations) and the rest (tables). `--top` adds the 40 largest functions.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { PKG_DIR, WASM_OPT_ARGS, build } from "./build.mjs";
import { TARGET_DIR, npmBin, run } from "./lib/tools.mjs";

const wasmPath = join(PKG_DIR, "certpin_bg.wasm");
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const kib = (n) => (n / 1024).toFixed(1);

/** The sections of a wasm module: id, custom name, and the payload's bounds. */
function sections(bytes) {
  const reader = { bytes, pos: 8 };
  const out = [];
  while (reader.pos < bytes.length) {
    const id = bytes[reader.pos++];
    const size = leb(reader);
    const start = reader.pos;
    let name = "";
    if (id === 0) name = utf8(reader, leb(reader));
    out.push({ id, name, start, end: start + size, payload: reader.pos });
    reader.pos = start + size;
  }
  return out;
}

function leb(reader) {
  let result = 0;
  let shift = 0;
  let byte;
  do {
    byte = reader.bytes[reader.pos++];
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return result;
}

function utf8(reader, length) {
  const text = reader.bytes.subarray(reader.pos, reader.pos + length).toString("utf8");
  reader.pos += length;
  return text;
}

/** Function bodies (index, bytes) and their names from the name section. */
function functions(bytes) {
  const all = sections(bytes);
  const reader = { bytes, pos: 0 };
  let imported = 0;
  const importSection = all.find((s) => s.id === 2);
  if (importSection) {
    reader.pos = importSection.payload;
    for (let n = leb(reader); n > 0; n--) {
      utf8(reader, leb(reader));
      utf8(reader, leb(reader));
      const kind = bytes[reader.pos++];
      if (kind === 0) { leb(reader); imported++; }
      else if (kind === 1) { reader.pos++; const flags = leb(reader); leb(reader); if (flags & 1) leb(reader); }
      else if (kind === 2) { const flags = leb(reader); leb(reader); if (flags & 1) leb(reader); }
      else if (kind === 3) { reader.pos += 2; }
      else if (kind === 4) { reader.pos++; leb(reader); }
      else throw new Error(`unknown import kind ${kind}`);
    }
  }
  const names = new Map();
  const nameSection = all.find((s) => s.id === 0 && s.name === "name");
  if (!nameSection) throw new Error("the wasm has no name section");
  reader.pos = nameSection.payload;
  while (reader.pos < nameSection.end) {
    const kind = bytes[reader.pos++];
    const end = leb(reader) + reader.pos;
    if (kind === 1) {
      for (let n = leb(reader); n > 0; n--) names.set(leb(reader), utf8(reader, leb(reader)));
    }
    reader.pos = end;
  }
  const exported = new Set();
  const exportSection = all.find((s) => s.id === 7);
  if (exportSection) {
    reader.pos = exportSection.payload;
    for (let n = leb(reader); n > 0; n--) {
      utf8(reader, leb(reader));
      const kind = bytes[reader.pos++];
      const index = leb(reader);
      if (kind === 0) exported.add(index);
    }
  }
  const code = all.find((s) => s.id === 10);
  reader.pos = code.payload;
  const bodies = [];
  for (let n = leb(reader), index = imported; n > 0; n--, index++) {
    const start = reader.pos;
    const size = leb(reader);
    reader.pos += size;
    bodies.push({ name: names.get(index) ?? `#${index}`, bytes: bytes.subarray(start, reader.pos), exported: exported.has(index) });
  }
  const data = all.find((s) => s.id === 11);
  return { bodies, code: bytes.subarray(code.start, code.end), data: data ? bytes.subarray(data.start, data.end) : Buffer.alloc(0) };
}

/** The path a demangled Rust name belongs to: `<T as Trait>::f` belongs to T, else Trait. */
function ownerPath(name) {
  const clean = name.replace(/::h[0-9a-f]{16}$/, "").replace(/\[[0-9a-f]{16}\]/g, "");
  if (!clean.startsWith("<")) return clean;
  let depth = 0;
  let end = 1;
  for (; end < clean.length; end++) {
    const c = clean[end];
    if (c === "<") depth++;
    else if (c === ">") { if (depth === 0) break; depth--; }
    else if (depth === 0 && clean.startsWith(" as ", end)) break;
  }
  const self = clean.slice(1, end).replace(/^(&(mut )?|\*(const|mut) |\[|\(|dyn )+/, "");
  if (self.includes("::")) return self;
  const trait = / as ([^<>]*)/.exec(clean)?.[1];
  return trait ?? self;
}

function crateOf(body) {
  const path = ownerPath(body.name);
  const match = /^([A-Za-z_][A-Za-z0-9_]*)::/.exec(path);
  if (match) return match[1];
  if (body.exported) return "certpin";
  return "(no crate: libc, compiler-builtins, wasm-bindgen glue)";
}

/** certpin's module of a body: the snake_case segments before the item and function. */
function moduleOf(body) {
  const segments = ownerPath(body.name).split("::").filter((s) => !s.startsWith("{{"));
  if (segments[0] !== "certpin") return "(wasm exports)";
  const modules = [];
  for (const segment of segments.slice(1, -1)) {
    if (!/^[a-z_][a-z0-9_]*$/.test(segment)) break;
    modules.push(segment);
  }
  return modules.length ? modules.join("::") : "(crate root)";
}

function table(title, groups, total) {
  const rows = [...groups].sort((a, b) => b[1].raw - a[1].raw);
  console.log(`\n| ${title} | functions | bytes | share | gzip alone |`);
  console.log("|---|---:|---:|---:|---:|");
  for (const [name, g] of rows) {
    const share = ((100 * g.raw) / total).toFixed(1);
    console.log(`| ${name} | ${g.count} | ${g.raw} | ${share}% | ${gz(Buffer.concat(g.parts))} |`);
  }
}

function group(bodies, keyOf) {
  const groups = new Map();
  for (const body of bodies) {
    const key = keyOf(body);
    const g = groups.get(key) ?? { count: 0, raw: 0, parts: [] };
    g.count++;
    g.raw += body.bytes.length;
    g.parts.push(body.bytes);
    groups.set(key, g);
  }
  return groups;
}

/** Bytes of the data section in runs of at least 8 printable characters (text). */
function textBytes(data) {
  let text = 0;
  let run = 0;
  for (const byte of data) {
    if ((byte >= 0x20 && byte < 0x7f) || byte === 0x0a) run++;
    else { if (run >= 8) text += run; run = 0; }
  }
  return run >= 8 ? text + run : text;
}

function crates() {
  const glueDir = join(TARGET_DIR, "certpin-glue");
  const named = join(glueDir, "web", "certpin_bg.wasm");
  if (!existsSync(named) || !existsSync(wasmPath)) build();
  const outDir = join(TARGET_DIR, "certpin-size");
  mkdirSync(outDir, { recursive: true });
  const withNames = join(outDir, "certpin_bg.named.wasm");
  run(npmBin("wasm-opt"), [...WASM_OPT_ARGS, "-g", named, "-o", withNames]);
  const analysed = functions(readFileSync(withNames));
  const shipped = sections(readFileSync(wasmPath)).find((s) => s.id === 10);
  const shippedCode = shipped.end - shipped.start;
  if (shippedCode !== analysed.code.length) {
    console.log(`note: the code section analysed is ${analysed.code.length} bytes, the shipped one ${shippedCode} (a build after pkg/?)`);
  }
  console.log(`\ncode section ${analysed.code.length} bytes (gzip alone ${gz(analysed.code)}), data section ${analysed.data.length} bytes (gzip alone ${gz(analysed.data)}; ${textBytes(analysed.data)} bytes of it in text runs of 8+ printable characters)`);
  const total = analysed.bodies.reduce((sum, b) => sum + b.bytes.length, 0);
  table("crate", group(analysed.bodies, crateOf), total);
  table("certpin module", group(analysed.bodies.filter((b) => crateOf(b) === "certpin"), moduleOf), total);
  // LLVM inlines most of what one export alone calls into the export's wasm-bindgen shim,
  // so the shims carry much of the code of the modules behind them.
  const shims = analysed.bodies.filter((b) => crateOf(b) === "certpin" && moduleOf(b) === "(wasm exports)");
  table("certpin wasm export (with what is inlined into it)", group(shims, (b) => b.name.replace(/ (externref|multivalue) shim.*$/, "")), total);
  if (process.argv.includes("--top")) {
    console.log("\n| largest functions | bytes |\n|---|---:|");
    for (const b of [...analysed.bodies].sort((x, y) => y.bytes.length - x.bytes.length).slice(0, 40)) {
      console.log(`| \`${b.name.replace(/::h[0-9a-f]{16}$/, "")}\` | ${b.bytes.length} |`);
    }
  }
}

if (!existsSync(wasmPath)) {
  console.error("pkg/certpin_bg.wasm not found: run `npm run build` first");
  process.exit(1);
}
const raw = readFileSync(wasmPath);
const gzip = gz(raw);
console.log(`pkg/certpin_bg.wasm: ${raw.length} bytes raw (${kib(raw.length)} KiB), ${gzip} bytes gzip -9 (${kib(gzip)} KiB)`);
if (process.argv.includes("--crates")) crates();
