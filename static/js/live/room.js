/* The live room's page (templates/meetings/live/room.html), around the live editors (live-editor.js):
 * - each writable section's Markdown preview follows its text: on the editor's "live-input" event, debounced,
 *   POSTed to the preview endpoint (django-markdownx's, data-preview-url) and shown as the page renders it;
 * - the no-JavaScript save of a section is hidden while its live editor is connected (the room saves);
 * - the presence list shows the "live:presence" events' people (detail.people = [{name, colour, anchor}])
 *   and which section each is in; the section this person is in is told as a "live:here" event on document
 *   (detail.anchor), for the meeting's socket (static/js/live/follow.js) to pass on.
 */
(function () {
  "use strict";
  var page = document.querySelector("[data-live-room-page]");
  if (!page) return;
  var PREVIEW_DELAY_MS = 300;
  var COLOUR = /^#[0-9a-fA-F]{6}$/;
  var SVG = "http://www.w3.org/2000/svg";

  function sectionOf(element) {
    return element && element.closest ? element.closest("[data-live-anchor]") : null;
  }

  // The preview: one request at a time per section; the last text wins.
  function previewer(section) {
    var target = section.querySelector("[data-live-preview]");
    var timer = null;
    var pending = null;
    var busy = false;
    function send() {
      if (busy || pending === null) return;
      var text = pending;
      pending = null;
      busy = true;
      var body = new FormData();
      body.append("content", text);
      fetch(page.dataset.previewUrl, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": page.dataset.csrf },
      })
        .then(function (response) {
          if (!response.ok) throw new Error("preview " + response.status);
          return response.text();
        })
        .then(function (html) {
          // The server's renderer sanitises (meetings/lib/rendering.py), as on every page.
          target.innerHTML = html || '<p class="empty">Nothing written yet.</p>';
          target.dataset.previewState = "shown";
        })
        .catch(function () {
          target.dataset.previewState = "failed";
        })
        .finally(function () {
          busy = false;
          send();
        });
    }
    return function (text) {
      pending = text;
      clearTimeout(timer);
      timer = setTimeout(send, PREVIEW_DELAY_MS);
    };
  }

  var previews = new Map();
  page.addEventListener("live-input", function (event) {
    var section = sectionOf(event.target);
    if (!section || !section.querySelector("[data-live-preview]")) return;
    if (!previews.has(section)) previews.set(section, previewer(section));
    previews.get(section)(event.detail.text);
  });

  // The form's save is for a page without the room: hidden while the room has the text.
  function watchStatus(status) {
    var form = status.closest(".live-form");
    if (!form) return;
    new MutationObserver(function () {
      var state = status.dataset.liveState;
      if (state === "connected") form.classList.add("is-live");
      else if (state === "unavailable") form.classList.remove("is-live");
    }).observe(status, { attributes: true, attributeFilter: ["data-live-state"] });
  }
  page.querySelectorAll("[data-live-status]").forEach(watchStatus);

  // Where this person is: the section holding the focus.
  var here = null;
  page.addEventListener("focusin", function (event) {
    var section = sectionOf(event.target);
    var anchor = section ? section.dataset.liveAnchor : null;
    if (anchor === here) return;
    here = anchor;
    document.dispatchEvent(new CustomEvent("live:here", { detail: { anchor: anchor } }));
  });

  function sectionTitle(anchor) {
    var heading = anchor ? document.getElementById(anchor + "-title") : null;
    return heading ? heading.textContent.trim() : "";
  }

  function swatch(colour) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "presence-swatch");
    svg.setAttribute("viewBox", "0 0 10 10");
    svg.setAttribute("aria-hidden", "true");
    var dot = document.createElementNS(SVG, "circle");
    dot.setAttribute("cx", "5");
    dot.setAttribute("cy", "5");
    dot.setAttribute("r", "5");
    // A presentation attribute, not a style one: the CSP's style-src does not apply.
    dot.setAttribute("fill", COLOUR.test(colour || "") ? colour : "#6b7280");
    svg.appendChild(dot);
    return svg;
  }

  var list = page.querySelector("[data-presence-list]");
  document.addEventListener("live:presence", function (event) {
    if (!list) return;
    var people = (event.detail && event.detail.people) || [];
    list.replaceChildren();
    if (!people.length) {
      var empty = document.createElement("li");
      empty.className = "muted";
      empty.dataset.presenceEmpty = "";
      empty.textContent = "Nobody else is here yet.";
      list.appendChild(empty);
      return;
    }
    people.forEach(function (person) {
      var item = document.createElement("li");
      item.dataset.presenceName = person.name || "";
      item.appendChild(swatch(person.colour));
      var name = document.createElement("span");
      name.className = "presence-name";
      name.textContent = person.name || "someone";
      item.appendChild(name);
      var title = sectionTitle(person.anchor);
      if (title) {
        item.appendChild(document.createTextNode(" in "));
        var link = document.createElement("a");
        link.href = "#" + person.anchor;
        link.textContent = title;
        item.appendChild(link);
      }
      list.appendChild(item);
    });
  });
})();
