// Masthead editor: autosaves what is typed once a minute (which also keeps this writer's lock on the post) and
// warns before leaving with unsaved changes. The form works without it.
(() => {
  "use strict";
  const form = document.getElementById("editor");
  if (!form) {
    return;
  }
  const status = document.getElementById("autosave-status");
  const watched = ["post_title", "content", "excerpt", "content_format"];
  const snapshot = () => watched.map((name) => {
    const field = form.elements.namedItem(name);
    return field ? field.value : "";
  }).join("\u0000");
  let saved = snapshot();
  let autosaved = saved;
  let submitting = false;

  form.addEventListener("submit", () => { submitting = true; });
  window.addEventListener("beforeunload", (event) => {
    if (!submitting && snapshot() !== saved) {
      event.preventDefault();
    }
  });

  const url = form.dataset.autosave;
  if (!url) {
    return;
  }
  setInterval(async () => {
    const now = snapshot();
    if (now === autosaved) {
      return;
    }
    const data = new FormData();
    for (const name of ["__RequestVerificationToken", ...watched]) {
      const field = form.elements.namedItem(name);
      if (field && (field.type !== "radio" || field.checked)) {
        data.append(name, field.value);
      }
    }
    const format = form.querySelector("input[name=content_format]:checked");
    if (format) {
      data.set("content_format", format.value);
    }
    try {
      const response = await fetch(url, { method: "POST", body: data, credentials: "same-origin" });
      const body = await response.json().catch(() => ({}));
      if (response.ok) {
        autosaved = now;
        status.textContent = "Draft autosaved at " + new Date(body.savedAt).toLocaleTimeString() + ".";
      } else {
        status.textContent = body.message || "Autosave failed; save your work by hand.";
      }
    } catch {
      status.textContent = "Autosave failed: the connection was lost. Your text is still here; save when you are back online.";
    }
  }, 60000);
})();
