/* Say why an image upload was refused, instead of leaving "Invalid response" in the text.
 *
 * django-markdownx reports a refused upload (our upload view answers
 * {"image": ["why"]}) with a "markdownx.fileUploadError" event on the editor's
 * container, then writes "Invalid response" into the Markdown. This shows the
 * reason in the line under the toolbar (beside the text-and-preview grid, not
 * in it, so the layout stays) and takes that text out again. Pictures dropped
 * or pasted go through editor-toolbar.js first; this is for any that do not.
 */
(function () {
  "use strict";

  function messageOf(detail) {
    var response = detail && detail[0];
    if (response && response.image && response.image.length) return String(response.image[0]);
    return "The image could not be uploaded.";
  }

  document.querySelectorAll(".markdownx").forEach(function (container) {
    var editor = container.querySelector(".markdownx-editor");
    if (!editor) return;
    var notice = document.createElement("p");
    notice.className = "form-errors upload-error";
    notice.setAttribute("role", "alert");
    notice.hidden = true;
    container.parentNode.insertBefore(notice, container); // editor-toolbar.js puts the toolbar above it

    function refused(event) {
      var before = editor.value;
      var caret = editor.selectionStart;
      notice.textContent = messageOf(event.detail);
      notice.hidden = false;
      window.setTimeout(function () {
        editor.value = before;  // markdownx has just written its "Invalid response" into the text
        editor.selectionStart = editor.selectionEnd = caret;
        editor.dispatchEvent(new Event("input"));
      }, 0);
    }

    container.addEventListener("markdownx.fileUploadError", refused);
    container.addEventListener("fileUploadError", refused);
    container.addEventListener("markdownx.fileUploadEnd", function () { notice.hidden = true; });
  });
})();
