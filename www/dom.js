// Small DOM helpers for the page: element building, copy to clipboard, downloads.
// Nothing here touches the network: the page's CSP forbids every connection.

/** el("p", { class: "x", text: "hi" }, child, ...): attributes, listeners (onclick), children. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

/** { code, message } of anything thrown; `code` is null unless it is a CertpinError. */
export function describeError(error) {
  if (error && error.name === "CertpinError") return { code: error.code ?? null, message: error.message };
  return { code: null, message: error && error.message ? error.message : String(error) };
}

/** An error block: the message, then the stable code. */
export function errorContent(error, lead) {
  const { code, message } = describeError(error);
  return [
    el("span", { class: "icon", "aria-hidden": "true", text: "✕" }),
    el("span", {}, lead ? el("strong", { text: `${lead} ` }) : null, message),
    code ? el("span", { class: "code-tag" }, "code ", el("code", { text: code })) : null,
  ];
}

const copyStatus = () => document.getElementById("copy-status");

async function writeClipboard(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Permission refused or no user activation: fall through to the selection fallback.
  }
  const area = el("textarea", { class: "offscreen", readonly: true, "aria-hidden": "true", tabindex: "-1" });
  area.value = text;
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

/**
 * A "Copy" button for the text that getText() returns when clicked. Its label names
 * what it copies (for screen readers); it says "Copied" for a moment afterwards.
 */
export function copyButton(getText, what) {
  const button = el("button", { type: "button", class: "copy", "aria-label": `Copy ${what}` }, "Copy");
  let timer;
  button.addEventListener("click", async () => {
    const ok = await writeClipboard(getText());
    clearTimeout(timer);
    button.textContent = ok ? "Copied ✓" : "Copy failed";
    button.classList.toggle("done", ok);
    copyStatus().textContent = ok ? `Copied ${what}.` : `Could not copy ${what}; select the text and copy it by hand.`;
    timer = setTimeout(() => {
      button.textContent = "Copy";
      button.classList.remove("done");
    }, 2000);
  });
  return button;
}

/**
 * A download link for text made in the page: a Blob URL, so no request leaves the page.
 * The URL is made at once (Chromium ignores an href set during the click) and lives
 * until revokeDownloads() is called for the links it replaced.
 */
export function downloadLink(text, filename, type, what) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  liveUrls.push(url);
  return el("a", { class: "button", href: url, download: filename, "aria-label": `Download ${what} as ${filename}` }, "Download");
}

const liveUrls = [];

/** Frees the Blob URLs of every download link made so far. */
export function revokeDownloads() {
  for (const url of liveUrls.splice(0)) URL.revokeObjectURL(url);
}

/** Whole days from now to an instant (negative once past). */
export function daysUntil(instant, now) {
  return Math.floor((Date.parse(instant) - now) / 86_400_000);
}
