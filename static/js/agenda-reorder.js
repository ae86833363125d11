// Reordering the agenda (agenda_edit.html) without typing numbers: each numbered row gets ↑/↓ buttons
// (keyboard, phone) and a drag handle (mouse, touch); a move renumbers the Order fields in the page's
// order and is announced. Without JavaScript the Order numbers are the way, and the server reads only them.
(() => {
  const table = document.querySelector("table.agenda-rows[data-reorder]");
  if (!table) return;
  const body = table.tBodies[0];
  const status = document.getElementById("agenda-reorder-status");
  const orderOf = (row) => row.querySelector("input[name$='-order']");
  // The rows being ordered: those with a number (the sections; a blank new row goes at the end anyway).
  const rows = () => [...body.rows].filter((row) => orderOf(row) && orderOf(row).value !== "");
  const nameOf = (row) => row.dataset.name;

  function renumber() {
    rows().forEach((row, index) => {
      orderOf(row).value = String(index + 1);
    });
  }

  // A row's error line follows it in the table: it moves with it.
  function moveRow(row, before) {
    const errors = row.nextElementSibling && !orderOf(row.nextElementSibling) ? row.nextElementSibling : null;
    body.insertBefore(row, before);
    if (errors) body.insertBefore(errors, row.nextSibling);
  }

  // Where a row goes to follow `row`: past its error line, if it has one.
  function afterOf(row) {
    const next = row.nextElementSibling;
    return (next && !orderOf(next) ? next : row).nextSibling;
  }

  function announce(row) {
    const all = rows();
    status.textContent = `${nameOf(row)} moved to position ${all.indexOf(row) + 1} of ${all.length}.`;
  }

  function move(row, step) {
    const all = rows();
    const index = all.indexOf(row);
    const target = all[index + step];
    if (!target) {
      status.textContent = `${nameOf(row)} is already ${step < 0 ? "first" : "last"}.`;
      return;
    }
    if (step < 0) moveRow(row, target);
    else moveRow(row, afterOf(target));
    renumber();
    announce(row);
  }

  function button(label, text, row, step) {
    const control = document.createElement("button");
    control.type = "button";
    control.className = "reorder-button";
    control.textContent = text;
    control.setAttribute("aria-label", `Move ${nameOf(row)} ${label}`);
    control.addEventListener("click", () => {
      move(row, step);
      control.focus(); // moving the row must not drop the keyboard's place
    });
    return control;
  }

  // Dragging by the handle with a mouse or a finger (pointer events: HTML's drag and drop misses touch).
  function draggable(handle, row) {
    handle.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      row.classList.add("dragging");
      // A row swaps places once the pointer passes its middle, so rows of unequal height do not flicker.
      const follow = (moved) => {
        const all = rows();
        const at = all.indexOf(row);
        const middle = (other) => {
          const box = other.getBoundingClientRect();
          return box.top + box.height / 2;
        };
        const above = all.slice(0, at).find((other) => moved.clientY < middle(other));
        const below = all.slice(at + 1).reverse().find((other) => moved.clientY > middle(other));
        if (above) moveRow(row, above);
        else if (below) moveRow(row, afterOf(below));
      };
      // Listened to on the document: moving the row in the page would end a pointer capture on the handle.
      const drop = () => {
        document.removeEventListener("pointermove", follow);
        document.removeEventListener("pointerup", drop);
        document.removeEventListener("pointercancel", drop);
        row.classList.remove("dragging");
        renumber();
        announce(row);
      };
      document.addEventListener("pointermove", follow);
      document.addEventListener("pointerup", drop);
      document.addEventListener("pointercancel", drop);
    });
  }

  for (const row of rows()) {
    const cell = orderOf(row).closest("td");
    const tools = document.createElement("span");
    tools.className = "reorder-tools";
    const handle = document.createElement("span");
    handle.className = "drag-handle";
    handle.textContent = "⠿";
    handle.title = "Drag to reorder";
    handle.setAttribute("aria-hidden", "true"); // the buttons are the way for keyboards and screen readers
    draggable(handle, row);
    tools.append(handle, button("up", "↑", row, -1), button("down", "↓", row, 1));
    cell.prepend(tools);
  }
  table.classList.add("reorderable");
})();
