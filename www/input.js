// The input: pasted text and chosen or dropped files, read when asked and shown.
import { analyse } from "./analyse.js";
import { refreshBuilder } from "./builder.js";
import { renderItems, selectedHash } from "./chain-view.js";
import { el } from "./dom.js";
import { $, chainSection, clearError, dropZone, fileInput, fileList, pemInput, plural, showError, state, statusLine } from "./state.js";

function currentSources() {
  const sources = [];
  if (pemInput.value.trim() !== "") sources.push({ name: "Pasted text", input: pemInput.value });
  for (const file of state.files) sources.push({ name: file.name, input: file.bytes });
  return sources;
}

export function update() {
  const sources = currentSources();
  if (sources.length === 0) {
    state.analysed = { units: [], items: [] };
    showError(new Error("Paste at least one PEM block or choose a file first."));
    statusLine.textContent = "Nothing to show yet.";
    chainSection.hidden = true;
    refreshBuilder();
    return;
  }
  try {
    state.analysed = analyse(sources);
  } catch (error) {
    state.analysed = { units: [], items: [] };
    chainSection.hidden = true;
    showError(error, error?.sourceName ? `Cannot read ${error.sourceName}:` : "Cannot read this input:");
    statusLine.textContent = "The input could not be read; see the error below the input.";
    refreshBuilder();
    return;
  }
  if (!showItems()) return;
  clearError();
  const certs = state.analysed.items.filter((i) => i.kind === "cert").length;
  const keys = state.analysed.items.length - certs;
  statusLine.textContent = `Showing ${plural(certs, "certificate")} and ${plural(keys, "key")}.`;
  refreshBuilder();
}

/** Renders the chain view; false, with the error shown, when it cannot. */
function showItems() {
  try {
    renderItems();
    return true;
  } catch (error) {
    chainSection.hidden = true;
    showError(error, "Cannot show these pins:");
    return false;
  }
}

async function addFiles(list) {
  const added = await Promise.all(
    [...list].map(async (file) => ({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) })),
  );
  state.files = state.files.concat(added);
  renderFileList();
  update();
}

function renderFileList() {
  fileList.replaceChildren(
    ...state.files.map((file, index) =>
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
            state.files = state.files.filter((_, i) => i !== index);
            renderFileList();
            if (state.files.length > 0 || pemInput.value.trim() !== "") update();
            else resetView();
            fileInput.focus();
          },
        }),
      ),
    ),
  );
}

function resetView() {
  state.analysed = { units: [], items: [] };
  chainSection.hidden = true;
  clearError();
  statusLine.textContent = "Ready.";
  refreshBuilder();
}

/** The input's controls: show, clear, files, drag and drop, paste, the hash choice. */
export function setupInput() {
  $("input-form").addEventListener("submit", (event) => {
    event.preventDefault();
    update();
  });
  $("clear").addEventListener("click", () => {
    pemInput.value = "";
    state.files = [];
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
      if (state.analysed.items.length && showItems()) {
        statusLine.textContent = `Showing ${selectedHash().toUpperCase().replace("SHA", "SHA-")} pins.`;
      }
    });
  }
}
