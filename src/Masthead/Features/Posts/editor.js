// Masthead editor: takes this writer's lock on the post as it loads and keeps it while open, autosaves what is typed once a minute,
// warns before leaving with unsaved changes, shows the tags as removable chips and filters the categories. The form works without it.
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
  enhanceTags(form);
  enhanceCategoryFilter();
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

  // The tags stay one comma-separated field, which is what the save reads; the chips and the entry only edit it.
  function enhanceTags(form) {
    const field = document.getElementById("tags");
    if (!field) {
      return;
    }
    const split = (text) => text.split(",").map((t) => t.trim()).filter((t) => t.length > 0);
    let tags = split(field.value);
    const chips = document.createElement("ul");
    chips.className = "tag-chips";
    chips.setAttribute("aria-label", "Tags on this post");
    field.insertAdjacentElement("afterend", chips);
    const write = () => {
      chips.replaceChildren(...tags.map((tag) => {
        const chip = document.createElement("li");
        const remove = document.createElement("button");
        remove.type = "button";
        remove.textContent = "\u00d7";
        remove.setAttribute("aria-label", "Remove tag " + tag);
        remove.addEventListener("click", () => {
          tags = tags.filter((t) => t !== tag);
          write();
          field.focus();
        });
        chip.append(tag, remove);
        return chip;
      }));
    };
    const add = (text) => {
      for (const tag of split(text)) {
        if (!tags.some((t) => t.toLowerCase() === tag.toLowerCase())) {
          tags.push(tag);
        }
      }
      write();
    };
    // While typing, the field holds only the new entry; the chips hold the rest, and both go back into it on submit.
    field.value = "";
    write();
    field.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === ",") {
        event.preventDefault();
        add(field.value);
        field.value = "";
      }
    });
    form.addEventListener("submit", () => {
      add(field.value);
      field.value = tags.join(", ");
      // The form's data is taken as it submits; a preview opens in another tab and this one goes on editing.
      setTimeout(() => { field.value = ""; }, 0);
    }, { capture: true });
    document.getElementById("tags-help").textContent = "Press Enter or comma after each tag.";
    for (const suggestion of document.querySelectorAll(".tag-suggestion")) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      button.textContent = suggestion.textContent;
      button.setAttribute("aria-label", "Add tag " + suggestion.textContent);
      button.addEventListener("click", () => add(suggestion.textContent));
      suggestion.replaceWith(button);
    }
  }

  function enhanceCategoryFilter() {
    const filter = document.getElementById("category-filter");
    if (!filter) {
      return;
    }
    filter.closest("p").hidden = false;
    filter.addEventListener("input", () => {
      const wanted = filter.value.trim().toLowerCase();
      for (const item of document.querySelectorAll("#categories li")) {
        // A category stays while it or one filed under it matches, so the way down to a match is never hidden.
        item.hidden = wanted.length > 0 && ![...item.querySelectorAll("label")].some((label) => label.textContent.toLowerCase().includes(wanted));
      }
    });
  }
})();
