// The pin page: pins of pasted or chosen certificates, keys and CSRs in every format;
// a policy builder; a troubleshooter. Everything is computed by the certpin package in
// this page. The wasm arrives as a base64 module because the CSP forbids any fetch().
//
// The namespace import lets the page feature-detect parts of the API that a build may
// not have yet (PinPolicy, diagnose): a named import of a missing export would stop the
// whole module from loading.
import * as certpin from "/pkg/browser.js";
import wasmBase64 from "/certpin-wasm.js";
import { copyButton, daysUntil, describeError, downloadLink, el, errorContent, revokeDownloads } from "./dom.js";

const PIN_FORMATS = ["okhttp", "hpkp", "curl", "android", "trustkit", "tlsa", "hex", "base64", "base64url"];
const FORMAT_NAMES = {
  okhttp: "OkHttp",
  hpkp: "HPKP",
  curl: "curl",
  android: "Android",
  trustkit: "TrustKit",
  tlsa: "TLSA",
  hex: "hex",
  base64: "base64",
  base64url: "base64url",
};
const POLICY_EXPORTS = [
  { format: "okhttp", name: "OkHttp (Kotlin)", file: "certificate-pinner.kt", type: "text/plain" },
  { format: "android-nsc", name: "Android network security config", file: "network_security_config.xml", type: "application/xml" },
  { format: "curl", name: "curl --pinnedpubkey", file: "curl-pinnedpubkey.txt", type: "text/plain" },
  { format: "hpkp", name: "HPKP header", file: "public-key-pins.txt", type: "text/plain" },
  { format: "hpkp-report-only", name: "HPKP report-only header", file: "public-key-pins-report-only.txt", type: "text/plain" },
  { format: "trustkit", name: "TrustKit", file: "trustkit.txt", type: "text/plain" },
  { format: "apple-ats", name: "Apple ATS (Info.plist)", file: "ats.plist", type: "application/xml" },
  { format: "tlsa", name: "DANE TLSA records", file: "tlsa.txt", type: "text/plain" },
];
const EXPIRING_SOON_DAYS = 30;

const $ = (id) => document.getElementById(id);
const statusLine = $("status");
const errorBox = $("error");
const pemInput = $("pem");
const fileInput = $("files");
const fileList = $("file-list");
const dropZone = $("drop");
const showButton = $("show");
const chainSection = $("chain-section");
const itemsList = $("items");


/** Files chosen or dropped: { name, bytes }. Read in the page with arrayBuffer(). */
let files = [];
/**
 * The analysed input: units (one parse call each: a source, or one PEM block of a
 * source that mixes certificates and keys), and the items shown, in input order.
 * item: { kind: "cert" | "key", unit, indexInUnit, info?, label?, chainIndex?, pin256 }
 */
let analysed = { units: [], items: [] };
/** Backup pins added in the builder: { pin, source }. */
let backups = [];

// ---------------------------------------------------------------- input

function showError(error, lead) {
  errorBox.replaceChildren(...errorContent(error, lead));
  errorBox.hidden = false;
}

function clearError() {
  errorBox.hidden = true;
  errorBox.replaceChildren();
}

/** The PEM blocks of a text, verbatim: only to route each block to the right call. */
function splitPemBlocks(text) {
  return text.match(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g) ?? [];
}

function pemLabel(block) {
  return /-----BEGIN ([A-Z0-9 ]+)-----/.exec(block)?.[1] ?? "KEY";
}

/** What a block that has a pin but no certificate details is, in words. */
function keyTitle(label) {
  if (/CERTIFICATE REQUEST/.test(label)) return "Certificate request";
  if (/PUBLIC KEY|^KEY$/.test(label)) return "Public key";
  // A certificate block that computePins reads but parseChain does not: say so.
  return `${label} block (details unavailable)`;
}

/**
 * Splits one source into units. A source of certificates only is one unit (so the
 * API sees the chain as given); a source with keys or CSRs is one unit per PEM block.
 * Throws the API's error when the source has no pins at all.
 */
function analyseSource(source) {
  try {
    return [{ source, input: source.input, certs: certpin.parseChain(source.input) }];
  } catch {
    // Not (only) certificates: computePins also takes PUBLIC KEY and CSR blocks. Its
    // error, when it has one, is the one to show (it knows every input kind).
  }
  const pins = certpin.computePins(source.input);
  const text = typeof source.input === "string" ? source.input : new TextDecoder().decode(source.input);
  const blocks = splitPemBlocks(text);
  if (blocks.length === 0 && pins.length === 1) {
    return [{ source, input: source.input, certs: null, label: "PUBLIC KEY" }];
  }
  const units = blocks.map((block) => {
    try {
      return { source, input: block, certs: certpin.parseChain(block) };
    } catch {
      return { source, input: block, certs: null, label: pemLabel(block) };
    }
  });
  // The split is only routing; the pins must be the API's pins of the whole source.
  const unitPins = units.flatMap((unit) => certpin.computePins(unit.input));
  if (unitPins.length !== pins.length || unitPins.some((pin, i) => pin !== pins[i])) {
    throw new Error(`${source.name}: could not tell its PEM blocks apart; paste certificates and keys separately.`);
  }
  return units;
}

function analyse(sources) {
  const units = sources.flatMap((source) => {
    try {
      return analyseSource(source);
    } catch (error) {
      // With several files, say which one could not be read.
      if (sources.length > 1 && error && typeof error === "object") error.sourceName = source.name;
      throw error;
    }
  });
  const items = [];
  let chainIndex = 0;
  for (const unit of units) {
    if (unit.certs) {
      unit.certs.forEach((info, indexInUnit) => {
        items.push({ kind: "cert", unit, indexInUnit, info, chainIndex: chainIndex++, pin256: info.spkiSha256 });
      });
    } else {
      const pins = certpin.computePins(unit.input);
      pins.forEach((pin, indexInUnit) => items.push({ kind: "key", unit, indexInUnit, label: unit.label, pin256: pin }));
    }
  }
  return { units, items };
}

/** The certificates of the input as one chain input (leaf first), or null if none. */
function chainInput(units = analysed.units) {
  const parts = units.filter((unit) => unit.certs).map((unit) => unit.input);
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0] : parts;
}

function currentSources() {
  const sources = [];
  if (pemInput.value.trim() !== "") sources.push({ name: "Pasted text", input: pemInput.value });
  for (const file of files) sources.push({ name: file.name, input: file.bytes });
  return sources;
}

function update() {
  const sources = currentSources();
  if (sources.length === 0) {
    analysed = { units: [], items: [] };
    showError(new Error("Paste at least one PEM block or choose a file first."));
    statusLine.textContent = "Nothing to show yet.";
    chainSection.hidden = true;
    refreshBuilder();
    return;
  }
  try {
    analysed = analyse(sources);
  } catch (error) {
    analysed = { units: [], items: [] };
    chainSection.hidden = true;
    showError(error, error?.sourceName ? `Cannot read ${error.sourceName}:` : "Cannot read this input:");
    statusLine.textContent = "The input could not be read; see the error below the input.";
    refreshBuilder();
    return;
  }
  try {
    renderItems();
  } catch (error) {
    chainSection.hidden = true;
    showError(error, "Cannot show these pins:");
    return;
  }
  clearError();
  const certs = analysed.items.filter((i) => i.kind === "cert").length;
  const keys = analysed.items.length - certs;
  statusLine.textContent = `Showing ${plural(certs, "certificate")} and ${plural(keys, "key")}.`;
  refreshBuilder();
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

async function addFiles(list) {
  const added = await Promise.all(
    [...list].map(async (file) => ({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) })),
  );
  files = files.concat(added);
  renderFileList();
  update();
}

function renderFileList() {
  fileList.replaceChildren(
    ...files.map((file, index) =>
      el(
        "li",
        {},
        el("span", { class: "file-name", text: file.name }),
        el("span", { class: "muted", text: ` ${file.bytes.length} bytes ` }),
        el("button", {
          type: "button",
          class: "small",
          "aria-label": `Remove ${file.name}`,
          text: "Remove",
          onclick: () => {
            files = files.filter((_, i) => i !== index);
            renderFileList();
            if (files.length > 0 || pemInput.value.trim() !== "") update();
            else resetView();
            fileInput.focus();
          },
        }),
      ),
    ),
  );
}

function resetView() {
  analysed = { units: [], items: [] };
  chainSection.hidden = true;
  clearError();
  statusLine.textContent = "Ready.";
  refreshBuilder();
}

// ---------------------------------------------------------------- chain view

function selectedHash() {
  return document.querySelector('input[name="hash"]:checked').value;
}

function roleOf(item) {
  const { info } = item;
  if (info.isCa) return info.selfSigned ? "Root CA" : "Intermediate CA";
  const base = item.chainIndex === 0 ? "Leaf" : "End-entity certificate";
  return info.selfSigned ? `${base} (self-signed)` : base;
}

function keyDescription(info) {
  if (info.keyAlgorithm === "EC") return `EC ${info.curve ?? ""}${info.keySize ? ` (${info.keySize} bits)` : ""}`.trim();
  return info.keySize ? `${info.keyAlgorithm} ${info.keySize} bits` : info.keyAlgorithm;
}

function validityContent(info, now) {
  const notAfterDays = daysUntil(info.notAfter, now);
  const notBeforeDays = daysUntil(info.notBefore, now);
  const range = `${info.notBefore} – ${info.notAfter}`;
  let badge;
  if (notAfterDays < 0 || Date.parse(info.notAfter) < now) {
    badge = el("span", { class: "badge bad" }, el("span", { "aria-hidden": "true", text: "✕ " }), `Expired ${plural(-notAfterDays, "day")} ago`);
  } else if (notBeforeDays >= 0 && Date.parse(info.notBefore) > now) {
    badge = el("span", { class: "badge warn" }, el("span", { "aria-hidden": "true", text: "⚠ " }), "Not valid yet");
  } else if (notAfterDays < EXPIRING_SOON_DAYS) {
    badge = el("span", { class: "badge warn" }, el("span", { "aria-hidden": "true", text: "⚠ " }), `Expiring soon: ${plural(notAfterDays, "day")} left`);
  } else {
    badge = el("span", { class: "badge ok" }, el("span", { "aria-hidden": "true", text: "✓ " }), `Valid, ${plural(notAfterDays, "day")} left`);
  }
  return [el("span", { text: range }), " ", badge];
}

/**
 * The pin, once checked: parsePin must decode it back to the digest computePins gave,
 * so that a pin's formats are shown only if they are this key's pin.
 */
function unambiguousPin(pin) {
  const parsed = certpin.parsePin(pin);
  if (`${parsed.algorithm}/${parsed.base64}` !== pin) {
    throw new Error(`internal check failed: ${pin} decodes to ${parsed.algorithm}/${parsed.base64}; not showing its formats`);
  }
  return pin;
}

function formatRows(pin, what) {
  return el(
    "ul",
    { class: "formats" },
    PIN_FORMATS.map((format) => {
      let text = null;
      let failure = null;
      try {
        text = certpin.formatPin(unambiguousPin(pin), format);
      } catch (error) {
        failure = error;
      }
      return el(
        "li",
        { "data-format": format },
        el("span", { class: "format-name", text: FORMAT_NAMES[format] }),
        text !== null
          ? el("code", { class: "pin-text", text })
          : el("span", { class: "unsupported" }, el("span", { "aria-hidden": "true", text: "— " }), describeError(failure).message),
        text !== null ? copyButton(() => text, `${FORMAT_NAMES[format]} pin of ${what}`) : el("span", { class: "copy-placeholder" }),
      );
    }),
  );
}

function findingsList(findings, { withCert = false } = {}) {
  return el(
    "ul",
    { class: "findings" },
    findings.map((finding) =>
      el(
        "li",
        { class: `finding sev-${finding.severity}`, "data-code": finding.code, "data-severity": finding.severity },
        el("span", { class: "sev" }, el("span", { "aria-hidden": "true", text: SEVERITY_ICON[finding.severity] ?? "•" }), ` ${capitalise(finding.severity)}`),
        el(
          "span",
          { class: "finding-text" },
          withCert && finding.certIndex !== undefined && finding.certIndex !== null ? el("strong", { text: `Certificate #${finding.certIndex}: ` }) : null,
          finding.message,
          " ",
          el("code", { class: "code-tag", text: finding.code }),
          ADVICE[finding.code] ? el("span", { class: "advice" }, el("strong", { text: "Next: " }), ADVICE[finding.code]) : null,
        ),
      ),
    ),
  );
}

const SEVERITY_ICON = { error: "✕", warning: "⚠", info: "ℹ" };
/**
 * A plain next step per finding code (codes of the engine's lint and check; an unknown
 * code shows its message alone, which already says what went wrong).
 */
const ADVICE = {
  NO_BACKUP_PIN: "Make a spare key pair, keep it offline, and add its pin under Backup key (paste its CSR or public key).",
  FEW_ACTIVE_PINS: "Add a second pin: a backup key, or your CA's key.",
  LEAF_ONLY_PINS: "Also pin your intermediate CA, or add the backup key you will use for the next certificate.",
  NO_PIN_MATCHES_CHAIN: "Choose at least one pin from the chain you serve today, or every client will be blocked.",
  ENTRY_EXPIRING_SOON: "Ship an updated policy with a later expiry date before this one passes.",
  ENTRY_EXPIRED: "Publish the policy again with current pins and a new expiry date.",
  REPORT_WITHOUT_URI: "Set a report URI, or switch to enforce.",
  PUBLIC_SUFFIX_PATTERN: "Pin a name you control, not a public suffix.",
  DUPLICATE_PIN: "Keep one copy of the pin.",
  HOSTNAME_MISMATCH: "Check the leaf's names (SAN) and that the server picks the right certificate for this name (SNI).",
  PIN_MISMATCH: "Compare the served pins with the policy's: if the key changed on purpose, update the policy; if not, the connection may be intercepted.",
  CERT_EXPIRED: "Renew the certificate, and check the clock of the machine that connects.",
  INVALID_CHAIN: "Serve the leaf first, then each issuer in order; leave out certificates that do not belong.",
  PIN_REVOKED: "Replace the revoked key on the server.",
  NOT_PINNED: "If this host should be pinned, check the policy's host patterns.",
  POLICY_EXPIRED: "Publish the policy again with current pins and a new expiry date.",
  NO_CHAIN: "Paste the chain the server sends, leaf first.",
};

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function renderItems() {
  $("chain-findings")?.remove();
  const algorithm = selectedHash();
  const now = Date.now();
  // Pins for the chosen hash, per unit (one computePins call per unit, in order).
  const pinsByUnit = new Map(analysed.units.map((unit) => [unit, certpin.computePins(unit.input, { algorithm })]));
  // Two API calls must agree on every SHA-256 pin before any is shown.
  for (const item of analysed.items) {
    const pin256 = algorithm === "sha256" ? pinsByUnit.get(item.unit)[item.indexInUnit] : item.pin256;
    if (item.kind === "cert" && (pin256 !== item.info.spkiSha256 || item.pin256 !== item.info.spkiSha256)) {
      throw new Error(`internal check failed: computePins and parseChain disagree on certificate #${item.chainIndex}; not showing pins`);
    }
  }

  let diagnosis = null;
  const note = $("diagnose-note");
  const chain = chainInput();
  note.hidden = true;
  if (chain !== null) {
    try {
      diagnosis = certpin.diagnose(chain, { now });
    } catch (error) {
      note.replaceChildren(...errorContent(error, "Chain check failed:"));
      note.hidden = false;
    }
  }

  itemsList.replaceChildren(
    ...analysed.items.map((item, position) => {
      const pin = pinsByUnit.get(item.unit)[item.indexInUnit];
      const headingId = `item-${position}-heading`;
      if (item.kind === "key") {
        const what = `${item.label.toLowerCase()} from ${item.unit.source.name}`;
        return el(
          "li",
          { class: "item key", "aria-labelledby": headingId },
          el("h3", { id: headingId }, el("span", { class: "role", text: keyTitle(item.label) }), ` from ${item.unit.source.name}`),
          el("p", { class: "hint", text: "A key without a certificate: use its pin as a backup pin." }),
          formatRows(pin, what),
        );
      }
      const { info } = item;
      const what = `certificate #${item.chainIndex}`;
      // The embedded SCTs are shown in the details below (issue 20), not again as a finding.
      const findings = diagnosis ? diagnosis.filter((f) => f.certIndex === item.chainIndex && f.code !== "EMBEDDED_SCTS") : [];
      return el(
        "li",
        { class: "item cert", "aria-labelledby": headingId },
        el("h3", { id: headingId }, el("span", { class: "role", text: `#${item.chainIndex} ${roleOf(item)}` }), " ", el("span", { class: "subject", text: info.subject })),
        findings.length ? findingsList(findings) : null,
        el(
          "dl",
          { class: "details" },
          detail("Subject", info.subject),
          detail("Issuer", info.issuer),
          detail("Validity", validityContent(info, now)),
          detail("Names (SAN)", [...info.dnsNames, ...info.ipAddresses].join(", ") || "none"),
          detail("Key", keyDescription(info)),
          detail("Signature", info.signatureAlgorithm),
          detail("Serial", el("code", { text: info.serialNumber })),
          detail("SHA-256 fingerprint", el("code", { class: "wrap-anywhere", text: info.fingerprintSha256 })),
          info.scts && info.scts.length ? detail(`Embedded SCTs (${info.scts.length})`, sctList(info.scts)) : null,
        ),
        el("h4", { text: `Pin (${algorithm.toUpperCase().replace("SHA", "SHA-")})` }),
        formatRows(pin, what),
      );
    }),
  );
  const chainFindings = diagnosis ? diagnosis.filter((f) => f.certIndex === undefined || f.certIndex === null) : [];
  if (chainFindings.length) {
    itemsList.before(el("div", { class: "chain-findings", id: "chain-findings" }, el("h3", { text: "Chain" }), findingsList(chainFindings)));
  }
  chainSection.hidden = false;
}

/** Certificate Transparency (issue 20): each embedded SCT's log id, time and algorithm. */
function sctList(scts) {
  return el(
    "ul",
    { class: "scts" },
    ...scts.map((sct) =>
      el("li", {}, "log ", el("code", { class: "wrap-anywhere", text: sct.logId }), ` at ${sct.timestamp} (${sct.signatureAlgorithm})`),
    ),
  );
}

function detail(term, value) {
  return [el("dt", { text: term }), el("dd", {}, value)];
}

// ---------------------------------------------------------------- policy builder

const builder = {
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
  const list = analysed.items.map((item) => ({
    pin: item.pin256,
    label: item.kind === "cert" ? `#${item.chainIndex} ${roleOf(item)}: ${item.info.subject}` : `${keyTitle(item.label)} from ${item.unit.source.name}`,
    defaultChecked: item.kind === "key" || item.chainIndex === 0,
    defaultPosition: item.kind === "cert" ? (item.info.isCa ? "ca" : "leaf") : "any",
  }));
  for (const backup of backups) {
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
                  backups = backups.filter((b) => b.pin !== candidate.pin);
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
    if (!backups.some((b) => b.pin === pin)) backups.push({ pin, source });
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

function rebuildPolicy() {
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
  if (key !== null && key === builder.lastKey && analysed === builder.lastAnalysed) return;
  builder.lastKey = key;
  builder.lastAnalysed = analysed;
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
  const blocks = POLICY_EXPORTS.map(({ format, name, file, type }) => {
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

function refreshBuilder() {
  renderChoices();
  rebuildPolicy();
}

// ---------------------------------------------------------------- troubleshooter

const STATUS_TEXT = {
  matched: ["The served chain matches a pin.", "Nothing to do. Keep a backup pin in the policy for your next key."],
  mismatch: ["No pin of the policy is on the verified chain the server sent.", "Compare the served pins below with the policy's pins. If the server's key changed on purpose, add its pin (or roll out your backup key); if not, the connection may be intercepted."],
  "not-pinned": ["No policy entry matches this hostname, so nothing is pinned.", "If this host should be pinned, check the policy's host patterns (*. is one label, **. any number)."],
  "policy-expired": ["The policy entry has expired, so pins are ignored (fail open).", "Refresh the policy with current pins and a new expiry date."],
  revoked: ["The chain contains a revoked pin.", "Replace the revoked key on the server, or remove the pin from the revoked state if that was a mistake."],
  "invalid-chain": ["The served certificates do not form a verifiable path from the leaf.", "Serve the leaf first, then its issuer, in order; remove unrelated certificates."],
  "hostname-mismatch": ["The leaf certificate is not valid for this hostname.", "Check the names (SAN) of the leaf below, and that the server picks the right certificate for this name (SNI)."],
  "cert-expired": ["A certificate on the chain is expired or not valid yet.", "Renew the certificate; check the clock of the machine making the connection."],
  "no-chain": ["No certificate was given.", "Paste the chain the server sends, leaf first."],
};

function setupTroubleshooter() {
  const form = $("ts-form");
  const result = $("ts-result");
  form.hidden = false;
  $("ts-use-builder").addEventListener("click", () => {
    if (builder.policy) {
      $("ts-policy").value = JSON.stringify(builder.policy.toJSON(), null, 2);
      $("status").textContent = "Copied the builder's policy into the troubleshooter.";
    } else {
      $("status").textContent = "The builder has no valid policy yet.";
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    result.replaceChildren(...troubleshoot($("ts-chain").value, $("ts-host").value.trim(), $("ts-policy").value.trim()));
  });
}

function troubleshoot(chainText, hostname, policyText) {
  const now = Date.now();
  const out = [el("h3", { id: "ts-result-heading", text: "Result" })];
  if (chainText.trim() === "") {
    out.push(el("div", { class: "error" }, ...errorContent(new Error("Paste the served chain first."))));
    return out;
  }
  let policy = null;
  if (policyText !== "") {
    try {
      policy = new certpin.PinPolicy(policyText);
    } catch (error) {
      out.push(el("div", { class: "error", role: "alert" }, ...errorContent(error, "The policy is not valid:")));
      return out;
    }
  }
  try {
    if (policy) {
      if (hostname === "") {
        out.push(el("div", { class: "error" }, ...errorContent(new Error("Enter the hostname you connected to: a policy applies per host."))));
        return out;
      }
      const verdict = policy.check(chainText, { hostname, now });
      out.push(verdictView(verdict));
    }
    const options = { now };
    if (hostname !== "") options.hostname = hostname;
    if (policy) options.policy = policy;
    const findings = certpin.diagnose(chainText, options);
    out.push(el("h4", { text: "Findings" }));
    out.push(findings.length ? findingsList(findings, { withCert: true }) : el("p", { class: "finding sev-ok" }, el("span", { "aria-hidden": "true", text: "✓ " }), "No problems found in this chain."));
    if (!policy) out.push(el("p", { class: "hint", text: "No policy given: only the chain was checked. Paste a policy (or use the builder's) to check its pins." }));
  } catch (error) {
    out.push(el("div", { class: "error", role: "alert" }, ...errorContent(error, "Cannot check this chain:")));
  } finally {
    policy?.free();
  }
  return out;
}

function verdictView(verdict) {
  const [what, next] = STATUS_TEXT[verdict.status] ?? [verdict.status, ""];
  return el(
    "div",
    { class: `verdict ${verdict.ok ? "pass" : "fail"}`, id: "verdict", "data-status": verdict.status },
    el(
      "p",
      { class: "verdict-head" },
      el("span", { class: "icon", "aria-hidden": "true", text: verdict.ok ? "✓" : "✕" }),
      el("strong", { text: verdict.ok ? "Allowed" : "Blocked" }),
      " — status ",
      el("code", { class: "verdict-status", text: verdict.status }),
      verdict.enforced ? "" : " (not enforced)",
    ),
    el("p", { text: what }),
    next ? el("p", {}, el("strong", { text: "What to do next: " }), next) : null,
    el(
      "dl",
      { class: "details" },
      detail("ok", String(verdict.ok)),
      detail("Policy entry", verdict.domain ?? "none"),
      detail("Matched", verdict.matched ? [el("code", { class: "pin-text", text: verdict.matched.pin }), ` on certificate #${verdict.matched.certIndex}`] : "no pin"),
      detail("Served pins", el("ol", { class: "served-pins", start: "0" }, verdict.servedPins.map((pin) => el("li", {}, el("code", { class: "pin-text", text: pin }))))),
    ),
    el("h4", { text: "Message" }),
    el("pre", { class: "export-text verdict-message", tabindex: "0" }, el("code", { text: verdict.message })),
    copyButton(() => verdict.message, "verdict message"),
  );
}

// ---------------------------------------------------------------- wiring

$("input-form").addEventListener("submit", (event) => {
  event.preventDefault();
  update();
});
$("clear").addEventListener("click", () => {
  pemInput.value = "";
  files = [];
  fileInput.value = "";
  renderFileList();
  resetView();
  pemInput.focus();
});
fileInput.addEventListener("change", () => {
  const chosen = [...fileInput.files];
  fileInput.value = "";
  addFiles(chosen).catch((error) => showError(error, "Cannot read the files:"));
});
for (const type of ["dragenter", "dragover"]) {
  dropZone.addEventListener(type, (event) => {
    event.preventDefault();
    dropZone.classList.add("over");
  });
}
dropZone.addEventListener("dragleave", () => dropZone.classList.remove("over"));
dropZone.addEventListener("drop", (event) => {
  event.preventDefault();
  dropZone.classList.remove("over");
  if (event.dataTransfer?.files?.length) addFiles(event.dataTransfer.files).catch((error) => showError(error, "Cannot read the files:"));
});
// A file dropped beside the box must not make the browser open it in place of the page.
for (const type of ["dragover", "drop"]) {
  window.addEventListener(type, (event) => {
    if (!dropZone.contains(event.target)) event.preventDefault();
  });
}
// Pasting is the common case: show the pins at once (the button stays for typed input).
pemInput.addEventListener("paste", () => setTimeout(update, 0));
for (const radio of document.querySelectorAll('input[name="hash"]')) {
  radio.addEventListener("change", () => {
    if (analysed.items.length) {
      try {
        renderItems();
      } catch (error) {
        chainSection.hidden = true;
        showError(error, "Cannot show these pins:");
        return;
      }
      statusLine.textContent = `Showing ${selectedHash().toUpperCase().replace("SHA", "SHA-")} pins.`;
    }
  });
}

function setupBuilder() {
  builder.form.hidden = false;
  for (const input of [builder.host, builder.expires, builder.mode, builder.reportUri, builder.includeSubdomains]) {
    input.addEventListener("input", rebuildPolicy);
    input.addEventListener("change", rebuildPolicy);
  }
  builder.form.addEventListener("submit", (event) => event.preventDefault());
  $("add-backup").addEventListener("click", addBackup);
  refreshBuilder();
}

try {
  await certpin.init(Uint8Array.from(atob(wasmBase64), (c) => c.charCodeAt(0)));
  setupBuilder();
  setupTroubleshooter();
  showButton.disabled = false;
  statusLine.textContent = "Ready. Nothing you paste leaves this page.";
  document.body.dataset.ready = "true";
} catch (error) {
  showError(error, "certpin failed to load:");
  statusLine.textContent = "certpin failed to load.";
}
