/* A small toolbar over each Markdown editor (issues 17 and 27): the Markdown the
 * archive uses (a sub-heading, bold, italic, a quote, code, a link, a list or
 * task item, a table) inserted at the cursor, and an image button that works on
 * a phone.
 *
 * The buttons are plain buttons with their names written on them, so the
 * keyboard and screen readers need nothing more; each puts the focus back in
 * the text. The formatting ones also answer GitHub's shortcuts in the text
 * (Ctrl or Cmd + B, I, E, K, Shift+., Shift+L), named in their title and
 * aria-keyshortcuts. Insertion goes through execCommand("insertText") where the
 * browser has it, so that Undo takes it back, else through setRangeText.
 * Without JavaScript none of this exists and the textarea works as it is.
 *
 * A picture (picked with the Image button, dropped or pasted) is checked here
 * first, its type and size against the server's limits (data-upload-types,
 * data-upload-max-bytes on the textarea; the server checks again), then its
 * description (alt text) is asked in a row under the toolbar with a thumbnail,
 * and only then is it uploaded to markdownx's upload URL (views/editor.py) and
 * ![description](url) inserted. Refusals show in one line under the toolbar,
 * outside the text-and-preview grid, so the layout never moves.
 */
(function () {
  "use strict";
  var MAC = /Mac|iPhone|iPad/.test(navigator.platform || "");
  var KIND_NAMES = "a PNG, JPEG, GIF or WebP picture";

  function insert(editor, text, selectFrom, selectTo) {
    var start = editor.selectionStart;
    editor.focus();
    var done = false;
    try {
      done = document.execCommand && document.execCommand("insertText", false, text);
    } catch (error) {
      done = false;
    }
    if (!done) {
      editor.setRangeText(text, editor.selectionStart, editor.selectionEnd, "end");
      editor.dispatchEvent(new Event("input", { bubbles: true }));
    }
    if (selectFrom !== undefined) {
      editor.setSelectionRange(start + selectFrom, start + (selectTo === undefined ? selectFrom : selectTo));
    }
  }

  // Change each line the selection touches (the cursor's line when nothing is selected) with `change`,
  // which returns the new line or null to leave it. Blank lines of a longer selection are left.
  function changeLines(editor, change) {
    var value = editor.value;
    var from = editor.selectionStart ? value.lastIndexOf("\n", editor.selectionStart - 1) + 1 : 0;
    var end = editor.selectionEnd;
    if (end > editor.selectionStart && value.charAt(end - 1) === "\n") end -= 1; // a selection ending at a line's start
    var to = value.indexOf("\n", end);
    if (to < 0) to = value.length;
    var lines = value.slice(from, to).split("\n");
    var changed = false;
    var added = 0;
    var result = lines.map(function (line) {
      if (lines.length > 1 && !line.trim()) return line;
      var next = change(line);
      if (next === null || next === line) return line;
      changed = true;
      added += next.length - line.length;
      return next;
    });
    editor.focus();
    if (!changed) return;
    var caret = editor.selectionStart;
    var single = lines.length === 1 && editor.selectionStart === editor.selectionEnd;
    editor.setSelectionRange(from, to);
    var text = result.join("\n");
    if (single) {
      insert(editor, text, caret - from + added); // the cursor stays where it was in the words
    } else {
      insert(editor, text, 0, text.length);
    }
  }

  function prefixer(prefix) {
    return function (line) { return line.indexOf(prefix) === 0 ? null : prefix + line; };
  }

  // "- [ ] " before the line; a list item ("- ", "* ") becomes a task item rather than a list item twice.
  function taskItem(line) {
    if (/^\s*[-*+] \[[ xX]\] /.test(line)) return null;
    var item = /^(\s*[-*+] )/.exec(line);
    return item ? item[1] + "[ ] " + line.slice(item[1].length) : "- [ ] " + line;
  }

  // Put `marker` around the selection (or an empty pair around the cursor); around a marked selection, take it off.
  function wrap(editor, marker) {
    var start = editor.selectionStart;
    var end = editor.selectionEnd;
    var value = editor.value;
    var selected = value.slice(start, end);
    var size = marker.length;
    if (selected && value.slice(start - size, start) === marker && value.slice(end, end + size) === marker) {
      editor.setSelectionRange(start - size, end + size);
      insert(editor, selected, 0, selected.length);
      return;
    }
    insert(editor, marker + selected + marker, size, size + selected.length);
  }

  // What goes before a block (a table) so that it starts on a line of its own after a blank one.
  function blockBreak(editor) {
    var before = editor.value.slice(0, editor.selectionStart);
    if (!before) return "";
    if (/\n\n$/.test(before)) return "";
    return /\n$/.test(before) ? "\n" : "\n\n";
  }

  function escapeAlt(text) {
    return text.replace(/\s+/g, " ").trim().replace(/([\\\[\]])/g, "\\$1");
  }

  var ACTIONS = {
    heading: function (editor) { changeLines(editor, prefixer("#### ")); },
    bold: function (editor) { wrap(editor, "**"); },
    italic: function (editor) { wrap(editor, "_"); },
    quote: function (editor) { changeLines(editor, prefixer("> ")); },
    code: function (editor) {
      var selected = editor.value.slice(editor.selectionStart, editor.selectionEnd);
      if (selected.indexOf("\n") < 0) {
        wrap(editor, "`");
        return;
      }
      var lead = blockBreak(editor);
      var body = selected.replace(/\n$/, "");
      insert(editor, lead + "```\n" + body + "\n```\n", lead.length + 4, lead.length + 4 + body.length);
    },
    link: function (editor) {
      var selected = editor.value.slice(editor.selectionStart, editor.selectionEnd);
      var label = selected || "link text";
      var text = "[" + label + "](https://)";
      if (selected) {
        insert(editor, text, label.length + 3, text.length - 1); // the address, to type it
      } else {
        insert(editor, text, 1, 1 + label.length); // the words, to type over them
      }
    },
    list: function (editor) { changeLines(editor, prefixer("- ")); },
    task: function (editor) { changeLines(editor, taskItem); },
    table: function (editor) {
      var lead = blockBreak(editor);
      var table = lead + "| Column | Column |\n| ------ | ------ |\n|        |        |\n";
      insert(editor, table, lead.length + 2, lead.length + 8); // the first heading, to type over it
    }
  };

  // label, action, key (KeyboardEvent.code), with Shift
  var BUTTONS = [
    ["Sub-heading", "heading"],
    ["Bold", "bold", "KeyB", false],
    ["Italic", "italic", "KeyI", false],
    ["Quote", "quote", "Period", true],
    ["Code", "code", "KeyE", false],
    ["Link", "link", "KeyK", false],
    ["List item", "list"],
    ["Task", "task", "KeyL", true],
    ["Table", "table"]
  ];

  function keyName(code) {
    return code === "Period" ? "." : code.slice(3);
  }

  function button(label, action, code, shift) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "button secondary small";
    element.textContent = label;
    element.setAttribute("data-action", action);
    if (code) {
      var key = keyName(code);
      element.setAttribute("aria-keyshortcuts", (MAC ? "Meta+" : "Control+") + (shift ? "Shift+" : "") + key);
      element.title = label + " (" + (MAC ? "⌘" + (shift ? "⇧" : "") + key : "Ctrl+" + (shift ? "Shift+" : "") + key) + ")";
    }
    return element;
  }

  function csrfToken(form) {
    var field = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function megabytes(bytes) {
    return (bytes / 1048576).toFixed(1).replace(/\.0$/, "") + " MB";
  }

  document.querySelectorAll(".markdownx").forEach(function (container, index) {
    var editor = container.querySelector("textarea.markdownx-editor");
    if (!editor) return;
    var name = editor.id || "editor-" + index;
    var types = (editor.getAttribute("data-upload-types") || "image/png,image/jpeg,image/gif,image/webp").split(",");
    var maxBytes = parseInt(editor.getAttribute("data-upload-max-bytes"), 10) || 5242880;

    var bar = document.createElement("div");
    bar.className = "editor-toolbar";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Insert Markdown");
    var shortcuts = {};
    BUTTONS.forEach(function (spec) {
      bar.appendChild(button(spec[0], spec[1], spec[2], spec[3]));
      if (spec[2]) shortcuts[(spec[3] ? "shift+" : "") + spec[2]] = spec[1];
    });
    var imageButton = button("Image…", "image");
    bar.appendChild(imageButton);
    var picker = document.createElement("input");
    picker.type = "file";
    picker.accept = types.join(",");
    picker.hidden = true; // opened by the Image button: one control for the keyboard and screen readers, not two
    picker.id = name + "-image";
    bar.appendChild(picker);
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite"); // a live region, but not a second "status" beside the page's messages
    bar.appendChild(status);

    // The line for refusals: editor-uploads.js may have made it already (markdownx's own uploads).
    var notice = container.previousElementSibling;
    if (!notice || !notice.classList.contains("upload-error")) {
      notice = document.createElement("p");
      notice.className = "form-errors upload-error";
      notice.setAttribute("role", "alert");
      notice.hidden = true;
      container.parentNode.insertBefore(notice, container);
    }
    container.parentNode.insertBefore(bar, notice);

    // The picture's row: its thumbnail, the question for its description, Insert and Cancel.
    var row = document.createElement("div");
    row.className = "image-describe";
    row.setAttribute("role", "group");
    row.setAttribute("aria-label", "The picture to insert");
    row.hidden = true;
    var thumb = document.createElement("img");
    thumb.className = "image-thumb";
    thumb.alt = ""; // the picture whose description is being asked; its file name is said beside it
    var fields = document.createElement("div");
    fields.className = "image-fields";
    var label = document.createElement("label");
    label.htmlFor = name + "-alt";
    label.textContent = "Describe the picture for people who cannot see it (alt text)";
    var fileName = document.createElement("span");
    fileName.className = "help image-file";
    var alt = document.createElement("input");
    alt.type = "text";
    alt.id = name + "-alt";
    alt.maxLength = 300;
    var insertButton = document.createElement("button");
    insertButton.type = "button";
    insertButton.className = "button small";
    insertButton.textContent = "Insert picture";
    var cancelButton = document.createElement("button");
    cancelButton.type = "button";
    cancelButton.className = "button secondary small";
    cancelButton.textContent = "Cancel";
    var buttons = document.createElement("div");
    buttons.className = "image-buttons";
    buttons.appendChild(insertButton);
    buttons.appendChild(cancelButton);
    fields.appendChild(label);
    fields.appendChild(alt);
    fields.appendChild(fileName);
    fields.appendChild(buttons);
    row.appendChild(fields); // the thumbnail joins it only with a picture: an <img> without src is no valid HTML
    container.parentNode.insertBefore(row, container);

    var pending = null; // {file, url, start, end}

    function say(message) {
      notice.textContent = message;
      notice.hidden = !message;
    }

    function problemWith(file) {
      if (types.indexOf(file.type) < 0) {
        return "“" + file.name + "” is not " + KIND_NAMES + ", so it was not inserted.";
      }
      if (file.size > maxBytes) {
        return "“" + file.name + "” is " + megabytes(file.size) + "; pictures of at most " + megabytes(maxBytes) + " are accepted.";
      }
      return "";
    }

    function close() {
      if (pending) URL.revokeObjectURL(pending.url);
      pending = null;
      row.hidden = true;
      thumb.removeAttribute("src");
      if (thumb.parentNode) row.removeChild(thumb);
      insertButton.disabled = false;
    }

    function offer(file) {
      close();
      var problem = problemWith(file);
      if (problem) {
        say(problem);
        editor.focus();
        return;
      }
      say("");
      pending = { file: file, url: URL.createObjectURL(file), start: editor.selectionStart, end: editor.selectionEnd };
      thumb.src = pending.url;
      row.insertBefore(thumb, fields);
      fileName.textContent = file.name + ", " + megabytes(file.size);
      alt.value = "";
      row.hidden = false;
      alt.focus();
    }

    function upload() {
      var description = escapeAlt(alt.value);
      if (!description) {
        say("Describe the picture first: the minutes show these words to people who cannot see it.");
        alt.focus();
        return;
      }
      var chosen = pending;
      var data = new FormData();
      data.append("image", chosen.file);
      data.append("csrfmiddlewaretoken", csrfToken(editor.form));
      say("");
      status.textContent = "Uploading " + chosen.file.name + "…";
      insertButton.disabled = true;
      editor.setAttribute("aria-busy", "true");
      fetch(editor.getAttribute("data-markdownx-upload-urls-path"), {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest", "X-CSRFToken": csrfToken(editor.form) }
      })
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (body) {
            var match = body.image_code && /\]\(([^)\s]+)\)/.exec(body.image_code);
            if (!response.ok || !match) {
              throw new Error(body.image && body.image.length ? String(body.image[0]) : "The picture could not be uploaded.");
            }
            close();
            editor.focus();
            editor.setSelectionRange(chosen.start, chosen.end);
            insert(editor, "![" + description + "](" + match[1] + ")");
            status.textContent = "Inserted the picture " + chosen.file.name + ".";
          });
        })
        .catch(function (error) {
          close();
          status.textContent = "";
          say((error && error.message) || "The picture could not be uploaded.");
          editor.focus();
        })
        .then(function () { editor.removeAttribute("aria-busy"); });
    }

    bar.addEventListener("click", function (event) {
      var target = event.target.closest("button[data-action]");
      if (!target) return;
      var action = target.getAttribute("data-action");
      if (action === "image") {
        picker.value = "";
        picker.click();
      } else {
        ACTIONS[action](editor);
      }
    });

    editor.addEventListener("keydown", function (event) {
      if (!(MAC ? event.metaKey : event.ctrlKey) || event.altKey) return;
      var action = shortcuts[(event.shiftKey ? "shift+" : "") + event.code];
      if (!action) return;
      event.preventDefault();
      ACTIONS[action](editor);
    });

    picker.addEventListener("change", function () {
      var file = picker.files && picker.files[0];
      if (file) offer(file);
    });

    // A picture dropped or pasted on the text takes the same way, before markdownx uploads it unchecked
    // and undescribed: this listener runs first (capture, on the text's container) and keeps it.
    function taken(event, transfer) {
      var files = transfer && transfer.files;
      if (!files || !files.length) return;
      event.preventDefault();
      event.stopPropagation();
      offer(files[0]);
    }
    container.addEventListener("drop", function (event) { taken(event, event.dataTransfer); }, true);
    container.addEventListener("paste", function (event) { taken(event, event.clipboardData); }, true);

    // A preview taller than its box scrolls: then it takes the focus too, so the keyboard can scroll it
    // (WCAG 2.1.1). Only then: a short one is no extra stop between the text and Save.
    var preview = container.querySelector(".markdownx-preview");
    function fitPreview() {
      if (!preview) return;
      if (preview.scrollHeight > preview.clientHeight + 1) {
        preview.tabIndex = 0;
        preview.setAttribute("role", "region");
        preview.setAttribute("aria-label", "Preview");
      } else {
        preview.removeAttribute("tabindex");
        preview.removeAttribute("role");
        preview.removeAttribute("aria-label");
      }
    }
    container.addEventListener("markdownx.update", fitPreview);
    window.addEventListener("resize", fitPreview);
    fitPreview();

    insertButton.addEventListener("click", upload);
    cancelButton.addEventListener("click", function () {
      close();
      say("");
      editor.focus();
    });
    alt.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // not the form's Save
        if (!insertButton.disabled) upload();
      } else if (event.key === "Escape") {
        event.preventDefault();
        cancelButton.click();
      }
    });
  });
})();
