// Masthead editor: takes this writer's lock on the post as it loads and keeps it while open, autosaves what is typed once a minute, and
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
  const tick = async () => {
    const now = snapshot();
    const data = new FormData();
    // Nothing new to keep: only tell the server this writer still has the post open, so the lock holds.
    const names = now === autosaved ? ["__RequestVerificationToken"] : ["__RequestVerificationToken", ...watched];
    if (now === autosaved) {
      data.append("lock_only", "1");
    }
    for (const name of names) {
      const field = form.elements.namedItem(name);
      // A radio group comes back as a list whose value is the ticked one.
      if (field) {
        data.append(name, field.value);
      }
    }
    try {
      const response = await fetch(url, { method: "POST", body: data, credentials: "same-origin" });
      const body = await response.json().catch(() => ({}));
      if (response.ok && body.lockOnly) {
        return;
      }
      if (response.ok) {
        autosaved = now;
        status.textContent = "Draft autosaved at " + new Date(body.savedAt).toLocaleTimeString() + ".";
      } else {
        status.textContent = body.message || "Autosave failed; save your work by hand.";
      }
    } catch {
      status.textContent = "Autosave failed: the connection was lost. Your text is still here; save when you are back online.";
    }
  };
  // Opening the editor is a GET and changes nothing on the server; the lock is taken here, by POST, at once
  // (nothing is typed yet, so this first call only takes the lock), then renewed with every autosave.
  tick();
  setInterval(tick, (Number(form.dataset.autosaveSeconds) || 60) * 1000);
})();
