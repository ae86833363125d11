/* A small toolbar over each Markdown editor (issue 17): the Markdown the archive
 * uses (a list item, a "####" sub-heading, a link, a table) inserted at the
 * cursor, and an image button that works on a phone.
 *
 * The buttons are plain buttons with their names written on them, so the
 * keyboard and screen readers need nothing more; each puts the focus back in
 * the text. Insertion goes through execCommand("insertText") where the browser
 * has it, so that Undo takes it back, else through setRangeText.
 *
 * The image button opens the system's file picker (on a phone: the camera or
 * the photos), asks for the picture's description (alt text), uploads it to
 * markdownx's upload URL (views/editor.py, which checks and re-encodes it) and
 * inserts ![description](url). A picture dropped or pasted on the text, which
 * markdownx uploads itself, is asked its description too.
 */
(function () {
  "use strict";
  var ALT_QUESTION = "Describe the picture for people who cannot see it (alt text):";

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

  function lineStart(editor) {
    var before = editor.value.slice(0, editor.selectionStart);
    return before.lastIndexOf("\n") + 1;
  }

  // Put `prefix` at the start of the line the cursor is on (once).
  function prefixLine(editor, prefix) {
    var start = lineStart(editor);
    var caret = editor.selectionStart;
    var line = editor.value.slice(start);
    if (line.indexOf(prefix) === 0) {
      editor.focus();
      return;
    }
    editor.setSelectionRange(start, start);
    insert(editor, prefix);
    editor.setSelectionRange(caret + prefix.length, caret + prefix.length);
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
    list: function (editor) { prefixLine(editor, "- "); },
    heading: function (editor) { prefixLine(editor, "#### "); },
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
    table: function (editor) {
      var lead = blockBreak(editor);
      var table = lead + "| Column | Column |\n| ------ | ------ |\n|        |        |\n";
      insert(editor, table, lead.length + 2, lead.length + 8); // the first heading, to type over it
    }
  };

  function csrfToken(form) {
    var field = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function showError(container, message) {
    var notice = container.querySelector(".upload-error");
    if (!notice) {
      notice = document.createElement("p");
      notice.className = "form-errors upload-error";
      notice.setAttribute("role", "alert");
      container.insertBefore(notice, container.firstChild);
    }
    notice.textContent = message;
    notice.hidden = false;
  }

  function upload(editor, container, file, alt, status) {
    var data = new FormData();
    data.append("image", file);
    data.append("csrfmiddlewaretoken", csrfToken(editor.form));
    status.textContent = "Uploading " + file.name + "…";
    editor.setAttribute("aria-busy", "true");
    return fetch(editor.getAttribute("data-markdownx-upload-urls-path"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest", "X-CSRFToken": csrfToken(editor.form) }
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          var match = body.image_code && /\]\(([^)\s]+)\)/.exec(body.image_code);
          if (!response.ok || !match) {
            var why = body.image && body.image.length ? String(body.image[0]) : "The image could not be uploaded.";
            throw new Error(why);
          }
          insert(editor, "![" + escapeAlt(alt) + "](" + match[1] + ")");
          status.textContent = "Inserted the picture " + file.name + ".";
          var notice = container.querySelector(".upload-error");
          if (notice) notice.hidden = true;
        });
      })
      .catch(function (error) {
        status.textContent = "";
        showError(container, error && error.message ? error.message : "The image could not be uploaded.");
      })
      .then(function () { editor.removeAttribute("aria-busy"); });
  }

  function button(label, action) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "button secondary small";
    element.textContent = label;
    element.setAttribute("data-action", action);
    return element;
  }

  document.querySelectorAll(".markdownx").forEach(function (container, index) {
    var editor = container.querySelector("textarea.markdownx-editor");
    if (!editor) return;
    var bar = document.createElement("div");
    bar.className = "editor-toolbar";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Insert Markdown");
    bar.appendChild(button("List item", "list"));
    bar.appendChild(button("Sub-heading", "heading"));
    bar.appendChild(button("Link", "link"));
    bar.appendChild(button("Table", "table"));
    var imageButton = button("Image…", "image");
    bar.appendChild(imageButton);
    var picker = document.createElement("input");
    picker.type = "file";
    picker.accept = "image/*";
    picker.hidden = true; // opened by the Image button: one control for the keyboard and screen readers, not two
    picker.id = (editor.id || "editor-" + index) + "-image";
    bar.appendChild(picker);
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite"); // a live region, but not a second "status" beside the page's messages
    bar.appendChild(status);
    container.parentNode.insertBefore(bar, container);

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

    picker.addEventListener("change", function () {
      var file = picker.files && picker.files[0];
      if (!file) return;
      var alt = window.prompt(ALT_QUESTION, "");
      if (alt === null) {
        editor.focus(); // cancelled: nothing uploaded
        return;
      }
      upload(editor, container, file, alt, status);
    });

    // A picture markdownx uploaded itself (dropped or pasted): ask for its description too.
    container.addEventListener("markdownx.fileUploadEnd", function (event) {
      var response = event.detail && event.detail[0];
      var code = response && response.image_code;
      if (!code || code.indexOf("![](") !== 0) return;
      var at = editor.value.lastIndexOf(code, editor.selectionStart);
      if (at < 0) at = editor.value.indexOf(code);
      if (at < 0) return;
      var alt = window.prompt(ALT_QUESTION, "");
      if (!alt) return;
      var caret = editor.selectionStart;
      editor.setSelectionRange(at + 2, at + 2);
      var described = escapeAlt(alt);
      insert(editor, described);
      var after = caret >= at + 2 ? caret + described.length : caret;
      editor.setSelectionRange(after, after);
    });
  });
})();
