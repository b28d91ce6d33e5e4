// The policy builder: pins chosen from the input and backup keys, the policy's risks
// (lint) and every export of it.
import * as certpin from "/pkg/browser.js";
import { chainInput, keyTitle, pemLabel } from "./analyse.js";
import { findingsList, roleOf, unambiguousPin } from "./chain-view.js";
import { copyButton, downloadLink, el, errorContent, revokeDownloads } from "./dom.js";
import { $, plural, state } from "./state.js";

/**
 * How the page shows each of certpin's EXPORT_FORMATS, in the order it lists them (the
 * most used first). A format the page does not know yet comes last, under its own name.
 */
const EXPORT_DETAILS = {
  okhttp: { name: "OkHttp (Kotlin)", file: "certificate-pinner.kt", type: "text/plain" },
  "android-nsc": { name: "Android network security config", file: "network_security_config.xml", type: "application/xml" },
  curl: { name: "curl --pinnedpubkey", file: "curl-pinnedpubkey.txt", type: "text/plain" },
  hpkp: { name: "HPKP header", file: "public-key-pins.txt", type: "text/plain" },
  "hpkp-report-only": { name: "HPKP report-only header", file: "public-key-pins-report-only.txt", type: "text/plain" },
  trustkit: { name: "TrustKit", file: "trustkit.txt", type: "text/plain" },
  "apple-ats": { name: "Apple ATS (Info.plist)", file: "ats.plist", type: "application/xml" },
  tlsa: { name: "DANE TLSA records", file: "tlsa.txt", type: "text/plain" },
};

function policyExports() {
  const order = Object.keys(EXPORT_DETAILS);
  const rank = (format) => (order.includes(format) ? order.indexOf(format) : order.length);
  return [...certpin.EXPORT_FORMATS]
    .sort((a, b) => rank(a) - rank(b))
    .map((format) => ({ format, ...(EXPORT_DETAILS[format] ?? { name: format, file: `${format}.txt`, type: "text/plain" }) }));
}

export const builder = {
  form: $("policy-form"),
  choices: $("pin-choices"),
  host: $("host"),
  expires: $("expires"),
  mode: $("mode"),
  reportUri: $("report-uri"),
  includeSubdomains: $("include-subdomains"),
  backup: $("backup"),
  lint: $("lint"),
  exports: $("exports"),
  error: $("policy-error"),
  policy: null,
  /** pin -> { checked, position } as the user left them. */
  choicesState: new Map(),
};

function pinCandidates() {
  const list = state.analysed.items.map((item) => ({
    pin: item.pin256,
    label: item.kind === "cert" ? `#${item.chainIndex} ${roleOf(item)}: ${item.info.subject}` : `${keyTitle(item.label)} from ${item.unit.source.name}`,
    defaultChecked: item.kind === "key" || item.chainIndex === 0,
    defaultPosition: item.kind === "cert" ? (item.info.isCa ? "ca" : "leaf") : "any",
  }));
  for (const backup of state.backups) {
    list.push({ pin: backup.pin, label: `Backup: ${backup.source}`, defaultChecked: true, defaultPosition: "any", removable: true });
  }
  const seen = new Set();
  return list.filter((c) => (seen.has(c.pin) ? false : seen.add(c.pin)));
}

function renderChoices() {
  const candidates = pinCandidates();
  if (candidates.length === 0) {
    builder.choices.replaceChildren(el("li", { class: "muted", text: "No pins yet: paste a chain above, or add a backup key below." }));
    return;
  }
  builder.choices.replaceChildren(
    ...candidates.map((candidate, index) => {
      const state = builder.choicesState.get(candidate.pin) ?? { checked: candidate.defaultChecked, position: candidate.defaultPosition };
      builder.choicesState.set(candidate.pin, state);
      const boxId = `pin-choice-${index}`;
      const box = el("input", { type: "checkbox", id: boxId, "data-pin": candidate.pin });
      box.checked = state.checked;
      box.addEventListener("change", () => {
        state.checked = box.checked;
        rebuildPolicy();
      });
      const select = el(
        "select",
        { "aria-label": `Position of ${candidate.label}` },
        el("option", { value: "any", text: "anywhere in the chain" }),
        el("option", { value: "leaf", text: "leaf only" }),
        el("option", { value: "ca", text: "CA only" }),
      );
      select.value = state.position;
      select.addEventListener("change", () => {
        state.position = select.value;
        rebuildPolicy();
      });
      return el(
        "li",
        {},
        el("div", { class: "choice" }, box, el("label", { for: boxId }, el("span", { text: candidate.label }), el("code", { class: "pin-text small", text: candidate.pin }))),
        el(
          "div",
          { class: "choice-extra" },
          el("span", { class: "position-label", "aria-hidden": "true", text: "Matches" }),
          select,
          candidate.removable
            ? el("button", {
                type: "button",
                class: "small",
                text: "Remove",
                "aria-label": `Remove backup pin ${candidate.pin}`,
                onclick: () => {
                  state.backups = state.backups.filter((b) => b.pin !== candidate.pin);
                  builder.choicesState.delete(candidate.pin);
                  refreshBuilder();
                  builder.backup.focus();
                },
              })
            : null,
        ),
      );
    }),
  );
}

function addBackup() {
  const errorLine = $("backup-error");
  const text = builder.backup.value.trim();
  errorLine.hidden = true;
  if (text === "") {
    errorLine.replaceChildren(...errorContent(new Error("Paste a PUBLIC KEY or CERTIFICATE REQUEST block, or a pin.")));
    errorLine.hidden = false;
    return;
  }
  let pins;
  let source;
  try {
    if (text.includes("-----BEGIN")) {
      pins = certpin.computePins(text);
      source = keyTitle(pemLabel(text)).toLowerCase();
    } else {
      // A pin in any format: parse it once, keep the canonical okhttp form.
      pins = [certpin.formatPin(text, "okhttp")];
      source = "pasted pin";
    }
  } catch (error) {
    errorLine.replaceChildren(...errorContent(error));
    errorLine.hidden = false;
    return;
  }
  for (const pin of pins) {
    if (!state.backups.some((b) => b.pin === pin)) state.backups.push({ pin, source });
  }
  builder.backup.value = "";
  refreshBuilder();
  $("status").textContent = `Added ${plural(pins.length, "backup pin")}.`;
}

function policyDocument() {
  const pins = [];
  for (const candidate of pinCandidates()) {
    const state = builder.choicesState.get(candidate.pin);
    if (!state || !state.checked) continue;
    // unambiguousPin: the engine's parser misreads `sha256//…` pins (see above).
    const pin = unambiguousPin(candidate.pin);
    pins.push(state.position === "any" ? pin : { pin, position: state.position });
  }
  const domain = { host: builder.host.value.trim(), includeSubdomains: builder.includeSubdomains.checked, pins };
  if (builder.expires.value) domain.expires = builder.expires.value;
  domain.mode = builder.mode.value;
  if (builder.reportUri.value.trim()) domain.reportUri = builder.reportUri.value.trim();
  return { version: 1, domains: [domain] };
}

const FIELD_ERRORS = [
  { match: /reportUri|report_uri/i, id: "report-uri-error", input: "report-uri" },
  { match: /expires/i, id: "expires-error", input: "expires" },
  { match: /mode/i, id: "mode-error", input: "mode" },
  { match: /pins/i, id: "pins-error", input: null },
  { match: /host/i, id: "host-error", input: "host" },
];

function clearFieldErrors() {
  for (const { id, input } of FIELD_ERRORS) {
    $(id).hidden = true;
    $(id).replaceChildren();
    if (input) $(input).removeAttribute("aria-invalid");
  }
  builder.error.hidden = true;
  builder.error.replaceChildren();
}

/** Puts a CertpinError next to the field its JSON path names, else above the exports. */
function showPolicyError(error) {
  const where = `${error.path ?? ""} ${error.path ? "" : error.message}`;
  const field = FIELD_ERRORS.find((f) => f.match.test(where));
  if (field) {
    $(field.id).replaceChildren(...errorContent(error));
    $(field.id).hidden = false;
    if (field.input) $(field.input).setAttribute("aria-invalid", "true");
  } else {
    builder.error.replaceChildren(...errorContent(error, "This policy is not valid:"));
    builder.error.hidden = false;
  }
}

export function rebuildPolicy() {
  let doc;
  let docError = null;
  try {
    doc = policyDocument();
  } catch (error) {
    docError = error;
  }
  // A field's "change" fires on blur, e.g. when the user clicks a Copy button right
  // after typing: rebuilding then would replace the button under the pointer.
  const key = docError ? null : JSON.stringify(doc);
  if (key !== null && key === builder.lastKey && state.analysed === builder.lastAnalysed) return;
  builder.lastKey = key;
  builder.lastAnalysed = state.analysed;
  clearFieldErrors();
  builder.policy?.free();
  builder.policy = null;
  if (docError) {
    showPolicyError(docError);
    builder.exports.replaceChildren();
    return;
  }
  const domain = doc.domains[0];
  if (domain.host === "") {
    builder.lint.replaceChildren(el("li", { class: "muted", text: "Enter a host to see the risks of this policy." }));
    builder.exports.replaceChildren(el("p", { class: "muted", text: "Enter a host and choose pins to export a policy." }));
    return;
  }
  try {
    builder.policy = new certpin.PinPolicy(doc);
  } catch (error) {
    showPolicyError(error);
    builder.lint.replaceChildren(el("li", { class: "muted", text: "Fix the error above to see the risks." }));
    builder.exports.replaceChildren();
    return;
  }
  renderLint();
  renderExports();
}

function renderLint() {
  let findings;
  try {
    const chain = chainInput();
    findings = builder.policy.lint(chain === null ? { now: Date.now() } : { now: Date.now(), chain });
  } catch (error) {
    builder.lint.replaceChildren(el("li", {}, ...errorContent(error, "Lint failed:")));
    return;
  }
  if (findings.length === 0) {
    builder.lint.replaceChildren(el("li", { class: "finding sev-ok" }, el("span", { "aria-hidden": "true", text: "✓ " }), "No risks found."));
    return;
  }
  builder.lint.replaceChildren(...findingsList(findings).children);
}

function renderExports() {
  revokeDownloads();
  const policy = builder.policy;
  const blocks = policyExports().map(({ format, name, file, type }) => {
    let text = null;
    let failure = null;
    try {
      text = policy.export(format);
    } catch (error) {
      failure = error;
    }
    return exportBlock(format, name, text, failure, file, type);
  });
  const json = JSON.stringify(policy.toJSON(), null, 2);
  blocks.push(exportBlock("json", "Policy JSON (certpin)", json, null, "certpin-policy.json", "application/json"));
  builder.exports.replaceChildren(...blocks);
}

function exportBlock(format, name, text, failure, file, type) {
  const headingId = `export-${format}-heading`;
  return el(
    "section",
    { class: "export", "data-export": format, "aria-labelledby": headingId },
    el(
      "div",
      { class: "export-head" },
      el("h4", { id: headingId, text: name }),
      text !== null
        ? el("div", { class: "export-actions" }, copyButton(() => text, `${name} export`), downloadLink(text, file, `${type};charset=utf-8`, `${name} export`))
        : null,
    ),
    text !== null ? el("pre", { class: "export-text", tabindex: "0", "aria-label": `${name} export` }, el("code", { text })) : el("p", { class: "unsupported" }, ...errorContent(failure)),
  );
}

export function refreshBuilder() {
  renderChoices();
  rebuildPolicy();
}

export function setupBuilder() {
  builder.form.hidden = false;
  for (const input of [builder.host, builder.expires, builder.mode, builder.reportUri, builder.includeSubdomains]) {
    input.addEventListener("input", rebuildPolicy);
    input.addEventListener("change", rebuildPolicy);
  }
  builder.form.addEventListener("submit", (event) => event.preventDefault());
  $("add-backup").addEventListener("click", addBackup);
  refreshBuilder();
}
