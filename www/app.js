// The pin page: parses pasted PEM with certpin and lists each certificate's pin.
// The wasm arrives as a base64 module because the page's CSP forbids any fetch().
import init, { computePins, parseChain } from "/pkg/browser.js";
import wasmBase64 from "/certpin-wasm.js";

const form = document.getElementById("form");
const input = document.getElementById("pem");
const button = document.getElementById("show");
const status = document.getElementById("status");
const errorBox = document.getElementById("error");
const table = document.getElementById("results");
const tbody = table.querySelector("tbody");

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = false;
  table.hidden = true;
  status.textContent = "";
}

function render(rows) {
  tbody.replaceChildren(
    ...rows.map(({ index, subject, pin }) => {
      const tr = document.createElement("tr");
      for (const [text, className] of [[String(index), ""], [subject, ""], [pin, "pin"]]) {
        const td = document.createElement("td");
        td.textContent = text;
        if (className) td.className = className;
        tr.append(td);
      }
      return tr;
    }),
  );
  errorBox.hidden = true;
  table.hidden = false;
  status.textContent = `${rows.length} ${rows.length === 1 ? "pin" : "pins"}.`;
}

function showPins() {
  const text = input.value;
  if (text.trim() === "") {
    showError("Paste at least one PEM block first.");
    return;
  }
  try {
    render(parseChain(text).map((c) => ({ index: c.index, subject: c.subject, pin: c.spkiSha256 })));
  } catch (chainError) {
    // Public keys and certificate requests have pins but are not certificates.
    try {
      render(computePins(text).map((pin, index) => ({ index, subject: "(not a certificate)", pin })));
    } catch {
      showError(`${chainError.message}${chainError.code ? ` (${chainError.code})` : ""}`);
    }
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  showPins();
});

try {
  await init(Uint8Array.from(atob(wasmBase64), (c) => c.charCodeAt(0)));
  button.disabled = false;
  status.textContent = "Ready.";
} catch (error) {
  showError(`certpin failed to load: ${error.message}`);
}
