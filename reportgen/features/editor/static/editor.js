// reportgen editor: the form (json-editor, generated from the kind's JSON Schema), findings beside
// their fields, a live preview, and saving against the version the page loaded.
"use strict";

const token = document.querySelector('meta[name="reportgen-token"]').content;
const $ = (id) => document.getElementById(id);
let current = null; // {name, digest}
let editor = null;
let timer = null;
let sequence = 0;

async function call(method, url, body) {
  const response = await fetch(url, {
    method,
    headers: { "X-Reportgen-Token": token, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let json = {};
  try { json = await response.json(); } catch (e) { json = {}; }
  return { status: response.status, json };
}

function say(text) { $("status").textContent = text; }

function problemsText(json) {
  return (json.problems || []).map((p) => p.message).join("; ") || "something went wrong";
}

async function loadFiles() {
  const { json } = await call("GET", "/api/files");
  const list = $("files");
  list.replaceChildren();
  for (const file of json.files || []) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = file.name;
    button.dataset.name = file.name;
    if (file.kind) button.setAttribute("aria-label", `${file.name} (${file.kind})`);
    if (current && current.name === file.name) button.setAttribute("aria-current", "true");
    button.addEventListener("click", () => openFile(file.name));
    item.append(button);
    list.append(item);
  }
  const kinds = $("new-kind");
  if (!kinds.options.length) {
    for (const kind of json.kinds || []) kinds.append(new Option(kind, kind));
  }
}

async function openFile(name) {
  const { status, json } = await call("GET", `/api/file?name=${encodeURIComponent(name)}`);
  if (status !== 200) { say(`Cannot open ${name}: ${problemsText(json)}`); return; }
  showDocument(json);
  say(`Opened ${name}`);
  $("form-heading").focus();
}

function showDocument(doc) {
  current = { name: doc.name, digest: doc.digest };
  $("form-heading").textContent = doc.name;
  $("toolbar").hidden = false;
  $("conflict").hidden = true;
  $("outputs").replaceChildren();
  if (editor) editor.destroy();
  editor = new window.JSONEditor($("form"), {
    schema: doc.schema,
    startval: doc.data,
    theme: "html",
    iconlib: null,
    disable_edit_json: true,
    disable_properties: false,
    display_required_only: true,
    no_additional_properties: true,
    disable_array_delete_all_rows: true,
    disable_array_delete_last_row: true,
    prompt_before_delete: false,
    show_errors: "interaction",
    use_default_values: false,
  });
  editor.on("ready", () => {
    labelControls();
    refresh();
    editor.on("change", () => { labelControls(); schedule(); });
  });
  for (const button of document.querySelectorAll("#files button")) {
    if (button.dataset.name === doc.name) button.setAttribute("aria-current", "true");
    else button.removeAttribute("aria-current");
  }
}

// Buttons the form library draws with only a title get it as their accessible name too.
function labelControls() {
  // A field that takes one of several shapes (text, or a list) has a switcher; name it in words.
  for (const label of document.querySelectorAll('#form label[for$="switcher"]')) {
    const holder = label.closest("[data-schemapath]");
    const title = holder && holder.querySelector(".je-form-input-label, .je-header");
    const field = title ? title.textContent.trim() : "this field";
    if (!label.dataset.named) { label.textContent = `${field}: how to write it`; label.dataset.named = "1"; }
  }
  for (const button of document.querySelectorAll("#form button")) {
    if (!button.textContent.trim() && button.title) button.setAttribute("aria-label", button.title);
  }
  for (const select of document.querySelectorAll("#form select")) {
    if (!select.labels || !select.labels.length) {
      const holder = select.closest("[data-schemapath]");
      const path = holder ? holder.dataset.schemapath : "choice";
      if (!select.getAttribute("aria-label")) select.setAttribute("aria-label", `${path.replace(/^root\.?/, "") || "report"}: choice`);
    }
  }
  for (const input of document.querySelectorAll("#form input, #form textarea")) {
    if ((!input.labels || !input.labels.length) && !input.getAttribute("aria-label")) {
      const holder = input.closest("[data-schemapath]");
      if (holder) input.setAttribute("aria-label", holder.dataset.schemapath.replace(/^root\.?/, ""));
    }
  }
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(refresh, 350);
}

async function refresh() {
  if (!editor || !current) return;
  const mine = ++sequence;
  const { json } = await call("POST", "/api/preview", { name: current.name, data: editor.getValue() });
  if (mine !== sequence) return; // a later change is already on its way
  const preview = $("preview");
  if (json.html) {
    preview.innerHTML = json.html; // mammoth's HTML: text escaped; scripts cannot run under the page's CSP
  } else {
    preview.textContent = json.note || "No preview until the problems listed are put right.";
  }
  showFindings(json.findings || []);
}

function showFindings(findings) {
  for (const old of document.querySelectorAll(".field-finding")) old.remove();
  for (const input of document.querySelectorAll('#form [aria-invalid="true"]')) {
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
  }
  const list = $("findings");
  list.replaceChildren();
  findings.forEach((finding, index) => {
    const item = document.createElement("li");
    item.className = finding.severity;
    const where = findField(finding.field);
    if (where) {
      const link = document.createElement("a");
      link.href = "#";
      link.textContent = finding.message;
      link.addEventListener("click", (event) => { event.preventDefault(); (where.control || where.holder).focus(); });
      item.append(link);
      const note = document.createElement("p");
      note.className = `field-finding ${finding.severity}`;
      note.id = `finding-${index}`;
      note.textContent = `${finding.severity === "error" ? "Error" : "Warning"}: ${finding.message}`;
      where.holder.append(note);
      if (where.control) {
        if (finding.severity === "error") where.control.setAttribute("aria-invalid", "true");
        where.control.setAttribute("aria-describedby", note.id);
      }
    } else {
      item.textContent = finding.message;
    }
    list.append(item);
  });
  $("summary").hidden = findings.length === 0;
  const errors = findings.filter((f) => f.severity === "error").length;
  const warnings = findings.length - errors;
  say(findings.length ? `${errors} error(s), ${warnings} warning(s)` : "No problems found");
}

// The form element for a finding's field, or the nearest enclosing one that is drawn.
function findField(path) {
  let parts = (path || "root").split(".");
  while (parts.length) {
    const holder = document.querySelector(`#form [data-schemapath="${CSS.escape(parts.join("."))}"]`);
    if (holder) {
      const control = holder.querySelector("input:not([type=hidden]), textarea, select");
      return { holder, control };
    }
    parts = parts.slice(0, -1);
  }
  return null;
}

async function save() {
  if (!editor || !current) return;
  const { status, json } = await call("POST", `/api/save?name=${encodeURIComponent(current.name)}`,
                                      { data: editor.getValue(), digest: current.digest });
  if (status === 409) {
    $("conflict").hidden = false;
    $("conflict-reload").focus();
    say("Not saved: the file was changed elsewhere since this page loaded it.");
    current.theirs = json.current;
    return;
  }
  if (status !== 200) { say(`Not saved: ${problemsText(json)}`); return; }
  current.digest = json.digest;
  say(json.changed ? `Saved ${current.name}` : "Nothing to save: no changes");
}

async function keepBoth() {
  const { status, json } = await call("POST", "/api/keep-both", { name: current.name, data: editor.getValue() });
  if (status !== 200) { say(`Not saved: ${problemsText(json)}`); return; }
  await loadFiles();
  say(`Your version was saved as ${json.name}; ${current.name} keeps the other version.`);
  await openFile(json.name);
}

async function reloadTheirs() {
  if (current.theirs) showDocument(current.theirs);
  else await openFile(current.name);
  say(`Reloaded ${current.name} as it is on disk`);
}

async function build(pdf) {
  say(pdf ? "Building the PDF…" : "Building…");
  const { status, json } = await call("POST", "/api/build", { name: current.name, pdf });
  if (status !== 200) { say(`Not built: ${problemsText(json)}`); return; }
  showOutputs(json.written);
  say(`Built ${json.written.join(", ")}`);
}

async function redline(against) {
  const { status, json } = await call("POST", "/api/redline", { name: current.name, against, data: editor.getValue() });
  if (status !== 200) { say(`No redline: ${problemsText(json)}`); return; }
  showOutputs(json.written);
  say(`Redline written. ${json.changes.length} change(s).`);
}

function showOutputs(names) {
  const list = $("outputs");
  list.replaceChildren();
  for (const name of names) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = `/download?name=${encodeURIComponent(name)}`;
    link.textContent = `Download ${name}`;
    item.append(link);
    list.append(item);
  }
}

async function create(event) {
  event.preventDefault();
  const kind = $("new-kind").value;
  const name = $("new-name").value.trim();
  const { status, json } = await call("POST", "/api/new", { kind, name });
  if (status !== 200) { say(`Not created: ${problemsText(json)}`); return; }
  await loadFiles();
  await openFile(json.name);
}

document.addEventListener("DOMContentLoaded", () => {
  $("save").addEventListener("click", save);
  $("build-docx").addEventListener("click", () => build(false));
  $("build-pdf").addEventListener("click", () => build(true));
  $("redline").addEventListener("click", () => redline("committed"));
  $("redline-saved").addEventListener("click", () => redline("saved"));
  $("conflict-reload").addEventListener("click", reloadTheirs);
  $("conflict-keep").addEventListener("click", keepBoth);
  $("new-form").addEventListener("submit", create);
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "s") { event.preventDefault(); save(); }
  });
  loadFiles().then(() => {
    const wanted = decodeURIComponent((location.hash.match(/^#open=(.+)$/) || [])[1] || "");
    if (wanted) openFile(wanted);
  });
});
