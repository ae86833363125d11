/* No silent loss of text typed in the minutes' edit forms (issue 17).
 *
 * A form marked data-draft="<its page>" data-draft-version="<the version it
 * was loaded with>" keeps its text fields in localStorage under
 * "pmc-draft:<owner>:<page>@<version>" as they are typed, asks before the page is left
 * with text not saved (not when the form is submitted), and on return puts the
 * text back with a notice and a button to discard it. data-draft-unsaved says
 * the page itself shows text that is not saved (a form sent back with an error,
 * a conflict): it counts as unsaved from the start.
 *
 * A draft goes when its text is saved: the page a successful save leads to
 * (another page, with a success message) drops the drafts of the page the
 * form was sent from; and a draft written on an older version whose text is
 * now the saved text is dropped on return. A draft on an older version that
 * differs comes back with that older version, so that saving it shows the
 * conflict page with both texts instead of overwriting someone's save.
 *
 * Signing out (the form marked data-sign-out) forgets every draft kept in this
 * browser, after asking when there are some: on a shared computer the next
 * person must not find them.
 *
 * A session may end without the sign-out button too (it expired, its cookie
 * was cleared): drafts are kept per account, under <owner>, an opaque value
 * the page gives this script (data-draft-owner, never the username), and a
 * page of another account drops them all before anything is restored. Drafts
 * kept without an owner (before there was one) cannot be told apart: they go too.
 *
 * This file is loaded on every page for signed-in people (templates/base.html).
 */
(function () {
  "use strict";
  var PREFIX = "pmc-draft:";
  var SUBMITTED = "pmc-draft-submitted";

  function storage(kind) {
    try {
      var store = window[kind];
      var probe = PREFIX + "probe";
      store.setItem(probe, "1");
      store.removeItem(probe);
      return store;
    } catch (error) {
      return null; // private mode, storage disabled or full: the warning before leaving still works
    }
  }
  var script = document.currentScript;
  var owner = (script && script.getAttribute("data-draft-owner")) || "";
  var MINE = PREFIX + owner + ":";
  // Without an owner there is no telling whose a draft is: none is kept (the warning before leaving stays).
  var local = owner ? storage("localStorage") : null;
  var session = storage("sessionStorage");
  var signingOut = false; // once asked and agreed: nothing is kept or asked again on the way out

  // Every draft kept in this browser (page undefined), or this account's of one page.
  function draftKeys(page) {
    var keys = [];
    if (!local) return keys;
    var start = page === undefined ? PREFIX : MINE + page + "@";
    for (var index = 0; index < local.length; index += 1) {
      var key = local.key(index);
      if (key && key.indexOf(start) === 0 && key !== PREFIX + "probe") keys.push(key);
    }
    return keys;
  }

  // Another account's drafts (its session ended without signing out): gone before this one sees a form.
  function dropOthers() {
    draftKeys().forEach(function (key) {
      if (key.indexOf(MINE) !== 0) local.removeItem(key);
    });
  }

  function read(key) {
    try {
      var draft = JSON.parse(local.getItem(key));
      return draft && typeof draft.fields === "object" ? draft : null;
    } catch (error) {
      return null;
    }
  }

  // The page a successful save led to: drop the drafts of the form that was sent.
  function afterSubmit() {
    if (!session) return;
    var sent = session.getItem(SUBMITTED);
    if (!sent) return;
    session.removeItem(SUBMITTED);
    var saved = document.querySelector(".messages .message.success");
    if (sent !== window.location.pathname && saved) {
      draftKeys(sent).forEach(function (key) { local.removeItem(key); });
    }
  }

  function textFields(form) {
    return Array.prototype.filter.call(
      form.querySelectorAll("textarea[name], input[type=text][name]"),
      function (field) { return !field.disabled; }
    );
  }

  function valuesOf(fields) {
    var values = {};
    fields.forEach(function (field) { values[field.name] = field.value; });
    return values;
  }

  function same(a, b) {
    var names = Object.keys(a);
    if (names.length !== Object.keys(b).length) return false;
    return names.every(function (name) { return a[name] === b[name]; });
  }

  function put(fields, values) {
    fields.forEach(function (field) {
      if (!Object.prototype.hasOwnProperty.call(values, field.name) || field.value === values[field.name]) return;
      field.value = values[field.name];
      // The preview follows (markdownx listens to "input"), and so does this file's own saving.
      field.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  function timeOf(draft) {
    var when = new Date(draft.savedAt);
    if (isNaN(when.getTime())) return "";
    return " (kept in this browser at " + when.toLocaleString([], {
      dateStyle: "medium", timeStyle: "short"
    }) + ")";
  }

  function protect(form) {
    var page = form.getAttribute("data-draft");
    var loadedVersion = form.getAttribute("data-draft-version") || "";
    var unsavedFromStart = form.hasAttribute("data-draft-unsaved");
    var versionField = form.querySelector("input[name=version]");
    var fields = textFields(form);
    if (!page || !fields.length) return;
    var loaded = valuesOf(fields);
    var version = loadedVersion;
    var submitting = false;
    var pending = null;

    function key() { return MINE + page + "@" + version; }

    function dirty() {
      return unsavedFromStart || version !== loadedVersion || !same(valuesOf(fields), loaded);
    }
    form.pmcDirty = dirty;

    function store() {
      window.clearTimeout(pending);
      pending = null;
      if (!local || signingOut) return;
      if (!dirty()) {
        local.removeItem(key());
        return;
      }
      try {
        local.setItem(key(), JSON.stringify({ fields: valuesOf(fields), version: version, savedAt: Date.now() }));
      } catch (error) {
        // Storage full: the warning before leaving still protects the text.
      }
    }

    function storeSoon() {
      window.clearTimeout(pending);
      pending = window.setTimeout(store, 300);
    }

    function notice(message, onDiscard) {
      var box = document.createElement("div");
      box.className = "draft-notice";
      box.setAttribute("role", "status");
      var text = document.createElement("p");
      text.textContent = message;
      var discard = document.createElement("button");
      discard.type = "button";
      discard.className = "button secondary small";
      discard.textContent = "Discard it";
      discard.addEventListener("click", function () {
        onDiscard();
        box.remove();
        (fields[fields.length - 1] || form).focus();
      });
      text.appendChild(document.createTextNode(" "));
      text.appendChild(discard);
      box.appendChild(text);
      form.parentNode.insertBefore(box, form);
    }

    // What this browser kept: on this version first, then on older ones.
    var keys = draftKeys(page);
    var here = keys.indexOf(key()) >= 0 ? read(key()) : null;
    keys.forEach(function (other) {
      if (other === key()) return;
      var draft = read(other);
      local.removeItem(other);
      if (!draft || here) return;
      if (unsavedFromStart || same(draft.fields, loaded)) {
        return; // the page shows this very text (a conflict page), or it was saved since
      }
      // Written on an older version and never saved: back with that version, so that saving it
      // meets the conflict page rather than overwriting what was saved in between.
      put(fields, draft.fields);
      if (versionField && draft.version) {
        versionField.value = draft.version;
        version = String(draft.version);
      }
      store();
      notice(
        "Restored text you had not saved" + timeOf(draft) + ". It was saved since, by you or someone " +
          "else: saving this shows both texts to merge.",
        function () {
          local.removeItem(key());
          version = loadedVersion;
          if (versionField) versionField.value = loadedVersion;
          put(fields, loaded);
          store();
        }
      );
    });
    if (here && !same(here.fields, loaded)) {
      put(fields, here.fields);
      notice("Restored text you had not saved" + timeOf(here) + ".", function () {
        local.removeItem(key());
        put(fields, loaded);
        store();
      });
    }
    store();

    // markdownx and the toolbar change the text without an "input" event at times (keyup, their own events).
    ["input", "keyup", "change", "markdownx.fileUploadEnd", "markdownx.update"].forEach(function (type) {
      form.addEventListener(type, storeSoon, true);
    });
    form.addEventListener("submit", function () {
      submitting = true;
      store();
      if (session) session.setItem(SUBMITTED, page);
    });
    window.addEventListener("pagehide", store);
    window.addEventListener("pageshow", function () { submitting = false; });
    window.addEventListener("beforeunload", function (event) {
      if (pending !== null) store();
      if (submitting || signingOut || !dirty()) return undefined;
      event.preventDefault();
      event.returnValue = ""; // older browsers ask only when this is set
      return "";
    });
  }

  function forgetOnSignOut(form) {
    form.addEventListener("submit", function (event) {
      var here = document.querySelectorAll("form[data-draft]");
      var kept = draftKeys().length;
      // The form on this page may hold text not yet written down (typed in the last 300 ms).
      var typing = Array.prototype.some.call(here, function (draftForm) { return draftForm.pmcDirty && draftForm.pmcDirty(); });
      if (kept || typing) {
        var question = "Text you typed and did not save is kept in this browser" +
          (kept > 1 ? " (" + kept + " forms)" : "") + ". Signing out removes it from this browser. Sign out anyway?";
        if (!window.confirm(question)) {
          event.preventDefault();
          return;
        }
      }
      signingOut = true;
      draftKeys().forEach(function (key) { local.removeItem(key); });
    });
  }

  dropOthers();
  afterSubmit();
  document.querySelectorAll("form[data-draft]").forEach(protect);
  document.querySelectorAll("form[data-sign-out]").forEach(forgetOnSignOut);
})();
