/* Leaving the Markdown editor with the keyboard alone.
 *
 * django-markdownx makes Tab indent the text, which would trap keyboard users
 * in the textarea (WCAG 2.1.2, no keyboard trap). Escape, then Tab (or
 * Shift+Tab), moves the focus on as usual, as in GitHub's and CodeMirror's
 * editors. The listener runs in the capture phase on the document, before
 * markdownx's own on the textarea, and only stops that one Tab reaching it.
 */
(function () {
  "use strict";
  var released = null;

  function isEditor(element) {
    return element && element.classList && element.classList.contains("markdownx-editor");
  }

  document.addEventListener("keydown", function (event) {
    if (!isEditor(event.target)) return;
    if (event.key === "Escape") {
      released = event.target;
    } else if (event.key === "Tab" && released === event.target) {
      released = null;
      event.stopPropagation(); // the browser's default: focus the next (or previous) control
    } else if (event.key !== "Shift") {
      released = null;
    }
  }, true);

  document.addEventListener("focusout", function (event) {
    if (event.target === released) released = null;
  }, true);
})();
