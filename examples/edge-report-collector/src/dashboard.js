// The collector's dashboard: one static page, its script and its style, all served by
// the worker itself (no CDN, no third-party request of any kind; the chart is SVG drawn
// by the script). The page holds no data: it asks for the read token, keeps it in
// sessionStorage, and reads GET /summary and GET /reports with it. Everything from the
// API is inserted as text (textContent), never as markup.

export const DASHBOARD_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>certpin reports</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/dashboard.css">
<script src="/dashboard.js" defer></script></head>
<body>
<header><h1>certpin pinning reports</h1>
<form id="login"><label>Read token <input id="token" type="password" autocomplete="off" required></label> <button>Show</button></form>
<p id="status" role="status"></p></header>
<main id="main" hidden>
<section><h2>Violations over time, per host</h2><div id="chart"></div><ul id="legend"></ul></section>
<section><h2>Classifications</h2><div id="mix"></div></section>
<section><h2>Hosts</h2><table id="hosts"><thead><tr><th>host</th><th>reports</th><th>distinct</th><th>last seen</th></tr></thead><tbody></tbody></table></section>
<section><h2>Top unknown pins</h2><table id="pins"><thead><tr><th>pin</th><th>certificate subject</th><th>host</th><th>reports</th></tr></thead><tbody></tbody></table></section>
<section><h2>Newest reports</h2><table id="newest"><thead><tr><th>last seen</th><th>host</th><th>classification</th><th>count</th><th>client</th></tr></thead><tbody></tbody></table></section>
<section><h2>Alerts</h2><p id="alerts"></p></section>
</main></body></html>
`;

export const DASHBOARD_CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1b1f24;background:#fafafa}
h1{font-size:1.3rem;margin:0 0 .5rem}h2{font-size:1rem;margin:1.2rem 0 .4rem}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;font-variant-numeric:tabular-nums}
td.pin{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
#legend{list-style:none;padding:0;display:flex;gap:1rem;flex-wrap:wrap}#legend span{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
svg{background:#fff;border:1px solid #d0d7de;max-width:100%}#status{color:#57606a}
`;

export const DASHBOARD_JS = `"use strict";
(() => {
  const SVG = "http://www.w3.org/2000/svg";
  const COLORS = ["#0969da", "#cf222e", "#1a7f37", "#8250df", "#bf8700", "#1b7c83", "#a40e26", "#57606a"];
  const $ = (id) => document.getElementById(id);
  const el = (name, attrs = {}, text) => {
    const node = name.startsWith("svg:") ? document.createElementNS(SVG, name.slice(4)) : document.createElement(name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = String(text);
    return node;
  };
  const when = (ms) => new Date(ms).toISOString().replace("T", " ").slice(0, 19) + "Z";
  let timer = null;

  async function api(path) {
    const response = await fetch(path, { headers: { authorization: "Bearer " + sessionStorage.getItem("certpin-read-token") }, cache: "no-store" });
    if (response.status === 401) throw new Error("the token was refused (401)");
    if (!response.ok) throw new Error(path + " answered " + response.status);
    return response.json();
  }

  function chart(timeline) {
    const width = 720, height = 240, pad = 36;
    const svg = el("svg:svg", { width, height, viewBox: "0 0 " + width + " " + height, role: "img", "aria-label": "reports per hour, per host" });
    const hours = [...new Set(timeline.map((p) => p.hour))].sort((a, b) => a - b);
    const hosts = [...new Set(timeline.map((p) => p.host))];
    const max = Math.max(1, ...timeline.map((p) => p.count));
    const first = hours[0] ?? Date.now(), last = Math.max(first + 3600000, hours[hours.length - 1] ?? first);
    const x = (t) => pad + ((t - first) / (last - first)) * (width - 2 * pad);
    const y = (n) => height - pad - (n / max) * (height - 2 * pad);
    svg.append(el("svg:line", { x1: pad, y1: height - pad, x2: width - pad, y2: height - pad, stroke: "#8c959f" }));
    svg.append(el("svg:line", { x1: pad, y1: pad, x2: pad, y2: height - pad, stroke: "#8c959f" }));
    svg.append(el("svg:text", { x: 4, y: pad, "font-size": 11 }, max));
    svg.append(el("svg:text", { x: 4, y: height - pad, "font-size": 11 }, 0));
    svg.append(el("svg:text", { x: pad, y: height - 10, "font-size": 11 }, when(first)));
    svg.append(el("svg:text", { x: width - pad, y: height - 10, "font-size": 11, "text-anchor": "end" }, when(last)));
    const legend = $("legend");
    legend.replaceChildren();
    hosts.forEach((host, i) => {
      const color = COLORS[i % COLORS.length];
      const points = timeline.filter((p) => p.host === host).map((p) => x(p.hour).toFixed(1) + "," + y(p.count).toFixed(1));
      const series = el("svg:g", { class: "series", "data-host": host });
      if (points.length > 1) series.append(el("svg:polyline", { points: points.join(" "), fill: "none", stroke: color, "stroke-width": 2 }));
      for (const p of points) {
        const [cx, cy] = p.split(",");
        series.append(el("svg:circle", { cx, cy, r: 3, fill: color }));
      }
      svg.append(series);
      const item = el("li");
      const swatch = el("span");
      swatch.style.background = color; // CSSOM, which the page's CSP allows (style attributes it does not)
      item.append(swatch, document.createTextNode(host));
      legend.append(item);
    });
    $("chart").replaceChildren(svg);
  }

  function mix(classifications) {
    const entries = Object.entries(classifications).sort((a, b) => b[1] - a[1]);
    const total = entries.reduce((s, [, n]) => s + n, 0) || 1;
    const width = 720, row = 22;
    const svg = el("svg:svg", { width, height: Math.max(row, entries.length * row) + 4, role: "img", "aria-label": "classifications" });
    entries.forEach(([name, n], i) => {
      const w = Math.max(2, (n / total) * (width - 260));
      const g = el("svg:g", { class: "bar", "data-classification": name });
      g.append(el("svg:text", { x: 4, y: i * row + 15, "font-size": 12 }, name));
      g.append(el("svg:rect", { x: 150, y: i * row + 4, width: w.toFixed(1), height: row - 8, fill: COLORS[i % COLORS.length] }));
      g.append(el("svg:text", { x: 156 + w, y: i * row + 15, "font-size": 12 }, n + " (" + Math.round((n / total) * 100) + "%)"));
      svg.append(g);
    });
    $("mix").replaceChildren(svg);
  }

  function rows(tableId, items, cells) {
    const body = $(tableId).tBodies[0];
    body.replaceChildren(...items.map((item) => {
      const tr = el("tr");
      for (const [text, cls] of cells(item)) tr.append(el("td", cls ? { class: cls } : {}, text ?? ""));
      return tr;
    }));
  }

  async function refresh() {
    try {
      const [summary, newest] = await Promise.all([api("/summary"), api("/reports?limit=20")]);
      $("main").hidden = false;
      chart(summary.timeline);
      mix(summary.classifications);
      rows("hosts", summary.hosts, (h) => [[h.host], [h.count], [h.distinctReports], [when(h.lastSeen)]]);
      rows("pins", summary.unknownPins, (p) => [[p.pin, "pin"], [p.subject], [p.host], [p.count]]);
      rows("newest", newest.reports, (r) => [[when(r.lastSeen)], [r.host], [r.classification], [r.count], [r.client]]);
      const a = summary.alerts;
      $("alerts").textContent = (a.webhook ? "" : "no webhook configured; ") + a.delivered + " delivered, " + a.pending + " pending, " + a.expired + " expired, " + a.attempts + " attempts" + (a.lastError ? " (last error: " + a.lastError + ")" : "");
      $("status").textContent = summary.total + " reports (" + summary.distinctReports + " distinct), updated " + when(Date.now());
      document.body.dataset.loaded = "true";
    } catch (error) {
      $("status").textContent = error.message;
      if (/401/.test(error.message)) sessionStorage.removeItem("certpin-read-token");
    }
  }

  function start() {
    clearInterval(timer);
    refresh();
    timer = setInterval(refresh, 5000);
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("login").addEventListener("submit", (event) => {
      event.preventDefault();
      sessionStorage.setItem("certpin-read-token", $("token").value);
      start();
    });
    if (sessionStorage.getItem("certpin-read-token")) start();
  });
})();
`;
