// Type-ahead on long pickers (select[data-type-ahead], e.g. 37 teams): a filter box above the list hides
// the options that do not match what is typed and picks the first that does. Without JavaScript the
// select is the whole picker, as before; the filter only hides options, it never changes their values.
(() => {
  const LONG = 12; // shorter lists are read at a glance
  let made = 0;

  function enhance(select) {
    if (select.dataset.typeAheadReady || select.options.length < LONG) return;
    select.dataset.typeAheadReady = "1";
    const label = select.id ? document.querySelector(`label[for="${select.id}"]`) : null;
    const name = label ? label.textContent.trim() : "the list";
    const box = document.createElement("div");
    box.className = "type-ahead";
    const input = document.createElement("input");
    input.type = "search";
    input.id = `${select.id || "picker-" + ++made}-filter`;
    input.autocomplete = "off";
    input.placeholder = "Type to filter";
    input.setAttribute("aria-label", `Filter the choices of ${name}`);
    input.setAttribute("aria-controls", select.id);
    const status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    box.append(input, status);
    select.before(box);

    const choices = [...select.options].filter((option) => option.value !== "");
    input.addEventListener("input", () => {
      const words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      const shown = choices.filter((option) => {
        const text = option.text.toLowerCase();
        option.hidden = !words.every((word) => text.includes(word));
        return !option.hidden;
      });
      for (const group of select.querySelectorAll("optgroup")) {
        group.hidden = [...group.children].every((option) => option.hidden);
      }
      const current = select.selectedOptions[0];
      if (words.length && shown.length && (!current || current.hidden || current.value === "")) {
        shown[0].selected = true;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
      status.textContent = words.length
        ? `${shown.length} of ${choices.length} match${shown.length ? `; ${select.selectedOptions[0].text} chosen` : ""}`
        : "";
    });
    // Enter keeps the choice and moves to the list instead of sending the form half-filled.
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        select.focus();
      }
    });
  }

  const start = () => document.querySelectorAll("select[data-type-ahead]").forEach(enhance);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
