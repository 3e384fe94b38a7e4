// Vetted's web app: small plain scripts that enhance server-rendered pages. Every page works without them:
// forms post normally, deviation links reload the page with ?d=, the review page offers a refresh link.
"use strict";

// The CSRF token for a script's own requests (forms carry it as a hidden field as well).
function vettedCsrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

function formatSize(bytes) {
  if (bytes < 1024) return bytes + " bytes";
  if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(0) + " KB";
  return (bytes / 1024 / 1024).toFixed(1) + " MB";
}

// ----------------------------------------------------------------------------- drop zones

function setUpDropZone(zone) {
  const input = zone.querySelector('input[type="file"]');
  const shown = zone.querySelector("[data-file-name]");
  const show = () => {
    const file = input.files && input.files[0];
    shown.textContent = file ? `Chosen: ${file.name} (${formatSize(file.size)})` : "";
    zone.classList.toggle("has-file", Boolean(file));
    zone.classList.remove("has-error");
  };
  input.addEventListener("change", show);
  ["dragenter", "dragover"].forEach((type) => zone.addEventListener(type, (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  }));
  ["dragleave", "dragend"].forEach((type) => zone.addEventListener(type, () => zone.classList.remove("dragging")));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      show();
    }
  });
  show();
}

// ----------------------------------------------------------------------------- uploads with progress

function formErrorBox(form) {
  const scope = form.closest("section") || document;
  return scope.querySelector("[data-form-error]") || document.querySelector("[data-form-error]");
}

function showFormError(form, message, fields) {
  const box = formErrorBox(form);
  form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  (fields || []).forEach((f) => {
    const el = form.querySelector(`[name="${f.field}"]`);
    if (el) el.setAttribute("aria-invalid", "true");
  });
  // A refusal that names no form field is about the file: mark the drop zone until another file is chosen.
  const zone = form.querySelector("[data-dropzone]");
  if (zone) zone.classList.toggle("has-error", !(fields || []).length || fields.some((f) => f.field === "file"));
  if (box) {
    box.textContent = message;
    box.hidden = false;
    box.scrollIntoView({ block: "center", behavior: "smooth" });
  }
}

function setUpUploadForm(form) {
  const progress = form.querySelector("[data-progress]");
  const fill = form.querySelector("[data-progress-fill]");
  const text = form.querySelector("[data-progress-text]");
  const submit = form.querySelector('button[type="submit"]');
  const toggle = form.querySelector("[data-toggles]");
  if (toggle) {
    const target = document.getElementById(toggle.dataset.toggles);
    toggle.addEventListener("change", () => { target.hidden = !toggle.checked; });
  }
  form.addEventListener("submit", (event) => {
    if (!window.FormData || !window.XMLHttpRequest) return; // the plain post still works
    event.preventDefault();
    const file = form.querySelector('input[type="file"]');
    if (!file.files || !file.files.length) {
      showFormError(form, "Choose the vendor's draft first (PDF, DOCX or TXT).", [{ field: "file" }]);
      return;
    }
    const box = formErrorBox(form);
    if (box) box.hidden = true;
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRF-Token", vettedCsrfToken());
    progress.hidden = false;
    submit.disabled = true;
    fill.style.width = "0%";
    text.textContent = "Uploading…";
    xhr.upload.addEventListener("progress", (e) => {
      if (!e.lengthComputable) return;
      const pct = Math.round((e.loaded / e.total) * 100);
      fill.style.width = pct + "%";
      text.textContent = pct < 100 ? `Uploading… ${pct}%` : "Checking the file…";
    });
    xhr.addEventListener("load", () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (xhr.status >= 200 && xhr.status < 300 && body && body.redirect) {
        text.textContent = "Uploaded. Starting the review…";
        window.location.assign(body.redirect);
        return;
      }
      progress.hidden = true;
      submit.disabled = false;
      const error = body && body.error;
      const message = error ? error.message : `the server answered HTTP ${xhr.status}`;
      showFormError(form, `The upload was refused: ${message}`, error && error.fields);
    });
    xhr.addEventListener("error", () => {
      progress.hidden = true;
      submit.disabled = false;
      showFormError(form, "The upload did not reach the server: check the connection and try again.");
    });
    xhr.send(new FormData(form));
  });
}

// ----------------------------------------------------------------------------- following a review job

function pollJob(section) {
  const jobId = section.dataset.jobPoll;
  const status = section.querySelector("[data-job-status]");
  const errorBox = section.querySelector("[data-job-error]");
  const words = { queued: "Waiting for the reviewer to start…", running: "Reviewing the clauses…" };
  let tries = 0;
  const tick = () => {
    tries += 1;
    if (!jobId) { // nothing to follow yet: look again in a moment
      window.setTimeout(() => window.location.reload(), 2000);
      return;
    }
    fetch(`/api/jobs/${jobId}`, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((r) => r.json().then((body) => ({ ok: r.ok, body })))
      .then(({ ok, body }) => {
        if (!ok) throw new Error(body && body.error ? body.error.message : "the review cannot be followed");
        if (body.status === "done" || body.status === "failed") {
          const url = new URL(window.location.href);
          url.searchParams.delete("job");
          window.location.replace(url.toString());
          return;
        }
        const attempt = body.attempts > 1 ? ` (attempt ${body.attempts} of ${body.max_attempts})` : "";
        status.textContent = (words[body.status] || "Reviewing…") + attempt;
        window.setTimeout(tick, Math.min(1000 + tries * 100, 3000));
      })
      .catch((err) => {
        errorBox.textContent = `Could not follow the review: ${err.message}. Refresh the page to try again.`;
        errorBox.hidden = false;
      });
  };
  tick();
}

// ----------------------------------------------------------------------------- the contract page

function setUpContractPage() {
  const links = Array.from(document.querySelectorAll("[data-select-deviation]"));
  if (!links.length) return;
  const details = Array.from(document.querySelectorAll("[data-deviation]"));
  const clauseOf = (id) => {
    const link = links.find((a) => a.dataset.selectDeviation === id);
    return link && link.dataset.clause ? document.getElementById(link.dataset.clause) : null;
  };
  const select = (id, { scroll = true, focus = true, smooth = true } = {}) => {
    links.forEach((a) => {
      if (a.dataset.selectDeviation === id) a.setAttribute("aria-current", "true");
      else a.removeAttribute("aria-current");
    });
    details.forEach((d) => { d.hidden = d.dataset.deviation !== id; });
    document.querySelectorAll(".clause.selected").forEach((c) => c.classList.remove("selected"));
    const clause = clauseOf(id);
    const shownDetail = details.find((d) => d.dataset.deviation === id);
    // Side by side, the clause comes into view beside the panel; in one column (a narrow window) the panel
    // sits above the document, so the deviation's details come into view instead ("Where" leads to the clause).
    const oneColumn = window.matchMedia("(max-width: 1100px)").matches;
    if (clause) clause.classList.add("selected");
    const target = oneColumn ? shownDetail : clause;
    if (scroll && target) {
      target.scrollIntoView({ block: oneColumn ? "start" : "center", behavior: smooth ? "smooth" : "auto" });
    }
    const url = new URL(window.location.href);
    url.searchParams.set("d", id);
    url.hash = "";
    window.history.replaceState(null, "", url.toString());
    // Keyboard and screen-reader users continue from the chosen deviation's heading: its rule, texts and actions
    // follow it in the tab order.
    const heading = shownDetail && shownDetail.querySelector("[data-detail-heading]");
    if (focus && heading) heading.focus({ preventScroll: true });
  };
  links.forEach((a, i) => {
    a.addEventListener("click", (event) => {
      event.preventDefault();
      select(a.dataset.selectDeviation);
    });
    a.addEventListener("keydown", (event) => {
      // Enter follows the link (the click above); Space chooses too, as on a button; the arrows move along the list.
      if (event.key === " ") {
        event.preventDefault();
        select(a.dataset.selectDeviation);
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        const next = links[i + (event.key === "ArrowDown" ? 1 : -1)];
        if (next && next.closest(".deviation-list")) {
          event.preventDefault();
          next.focus();
        }
      }
    });
  });
  document.querySelectorAll(".clause[data-deviations]").forEach((clause) => {
    clause.addEventListener("click", () => select(clause.dataset.deviations.split(" ")[0], { scroll: false }));
  });
  document.querySelectorAll("[data-scroll-clause]").forEach((a) => a.addEventListener("click", (event) => {
    const clause = document.getElementById(a.dataset.scrollClause);
    if (!clause) return;
    event.preventDefault();
    clause.scrollIntoView({ block: "center", behavior: "smooth" });
  }));
  const current = links.find((a) => a.getAttribute("aria-current") === "true");
  if (current && new URL(window.location.href).searchParams.has("d")) {
    // Opened on a chosen deviation (a link, or back from a decision): show its clause once the browser has
    // finished its own scrolling to the #fragment, instantly (a smooth scroll would be cancelled by it). Back
    // from a decision or a comment (#deviation-detail), the focus goes to its heading, where the user left off.
    const back = window.location.hash === "#deviation-detail";
    window.addEventListener("load", () => window.setTimeout(() => {
      select(current.dataset.selectDeviation, { focus: back, smooth: false });
    }, 0));
  } else if (current) {
    select(current.dataset.selectDeviation, { focus: false, scroll: false });
  }
}

function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  // Plain HTTP on a company network: the old way still works.
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand("copy");
  document.body.removeChild(area);
  return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
}

function setUpCopyButtons() {
  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.addEventListener("click", () => {
      const source = document.getElementById(button.dataset.copy);
      const note = button.parentElement.querySelector(".copied");
      copyText(source.textContent.trim())
        .then(() => { if (note) note.textContent = "Copied to the clipboard."; })
        .catch(() => { if (note) note.textContent = "Copying failed: select the text and copy it."; });
    });
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.documentElement.classList.add("js"); // scripts are running: the enhanced behaviour is in place
  document.querySelectorAll("[data-dropzone]").forEach(setUpDropZone);
  document.querySelectorAll("[data-upload-form]").forEach(setUpUploadForm);
  document.querySelectorAll("[data-job-poll]").forEach(pollJob);
  setUpContractPage();
  setUpCopyButtons();
});
