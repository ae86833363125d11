/* The meeting's run, kept current in the live room and on the meeting page (issue 26).
 *
 * Reads the run from the panel's data attributes (the room, server-rendered)
 * or from its JSON address ([data-run-state-url], the cached meeting page),
 * then follows the "live:run" and "live:attendance" events that follow.js
 * fires on document (detail: the event as meetings/queries/live_run.py makes
 * it). Clocks tick here from the server's timestamps (its "now" corrects this
 * machine's clock). The section under discussion is marked; "Follow the
 * chair" (off unless the reader turns it on, remembered in this browser)
 * scrolls to it when it changes, and never otherwise.
 * Forms marked [data-run-form] are sent with fetch (JSON back); without
 * JavaScript, or if fetch fails, they are plain POSTs coming back to the room.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-run]");
  if (!root) return;
  var FOLLOW_KEY = "pmc-minutes.follow-the-chair";
  var run = null; // the latest "run" event
  var offset = 0; // server clock minus this clock, in ms

  function all(selector, within) {
    return Array.prototype.slice.call((within || document).querySelectorAll(selector));
  }

  function clockText(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return h ? h + ":" + pad(m) + ":" + pad(s) : m + ":" + pad(s);
  }

  function plannedText(seconds) {
    if (!seconds) return "";
    var minutes = seconds / 60;
    return " / " + (minutes === Math.floor(minutes) ? minutes : minutes.toFixed(1)) + " min";
  }

  function elapsed(clock) {
    var seconds = clock.spent;
    if (clock.running && run.since) seconds += Math.max(0, (Date.now() + offset - Date.parse(run.since)) / 1000);
    return seconds;
  }

  function drawClock(element, clock) {
    var seconds = clock ? elapsed(clock) : 0;
    var over = !!(clock && clock.planned && seconds > clock.planned);
    var parts = {
      "[data-run-elapsed]": clock ? clockText(seconds) : "",
      "[data-run-planned]": clock ? plannedText(clock.planned) : "",
      "[data-run-over]": over ? " over time" : "",
    };
    Object.keys(parts).forEach(function (selector) {
      var part = element.querySelector(selector);
      if (part && part.textContent !== parts[selector]) part.textContent = parts[selector];
    });
    element.classList.toggle("is-over", over);
  }

  function tick() {
    if (!run) return;
    all("[data-run-clock]").forEach(function (element) {
      drawClock(element, run.clocks[element.getAttribute("data-run-clock")]);
    });
    all("[data-run-current-clock]").forEach(function (element) {
      drawClock(element, run.current ? run.clocks[run.current] : null);
    });
  }

  function announce(message) {
    var region = root.querySelector("[data-run-announce]");
    if (region) region.textContent = message;
  }

  function heading(element) {
    if (/^H[1-6]$/.test(element.tagName)) return element;
    return element.querySelector("h1, h2, h3, h4, h5, h6");
  }

  function markCurrent(anchor) {
    all("[data-run-current]").forEach(function (element) { element.removeAttribute("data-run-current"); });
    all("[data-run-badge-added]").forEach(function (badge) { badge.remove(); });
    all("[data-run-badge]").forEach(function (badge) {
      var tools = badge.closest("[data-run-tools]");
      badge.hidden = !tools || tools.getAttribute("data-run-tools") !== anchor;
    });
    var section = anchor && document.getElementById(anchor);
    if (!section) return null;
    section.setAttribute("data-run-current", "");
    if (!section.querySelector("[data-run-badge]")) {
      // The meeting page has no tools of its own: the badge goes beside the section's heading.
      var badge = document.createElement("strong");
      badge.className = "run-now-badge";
      badge.setAttribute("data-run-badge-added", "");
      badge.textContent = "Now discussing";
      var where = heading(section);
      if (where) where.appendChild(document.createTextNode(" ")), where.appendChild(badge);
      else section.insertBefore(badge, section.firstChild);
    }
    return section;
  }

  function following() {
    var box = root.querySelector("[data-run-follow]");
    return !!(box && box.checked);
  }

  function applyRun(event) {
    var first = run === null;
    var previous = run && run.current;
    run = event;
    offset = Date.parse(event.now) - Date.now() || 0;
    var running = event.state === "running";
    root.setAttribute("data-run-state", event.state);
    all("[data-run-when]").forEach(function (element) {
      element.hidden = (element.getAttribute("data-run-when") === "running") !== running;
    });
    var start = root.querySelector("[data-run-start-label]");
    if (start) start.textContent = event.state === "ended" ? "Resume the meeting" : "Start the meeting";
    var status = root.querySelector("[data-run-status]");
    if (status) {
      var at = function (iso) { return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }); };
      status.textContent = running ? "Started at " + at(event.started_at) + "."
        : event.state === "ended" ? "Ended at " + at(event.ended_at) + "." : "Not started yet.";
    }
    var link = root.querySelector("[data-run-current-link]");
    if (link) {
      link.textContent = event.current_title || "nothing yet";
      link.setAttribute("href", "#" + (event.current || ""));
    }
    var anchors = Object.keys(event.clocks);
    var next = event.current ? anchors[anchors.indexOf(event.current) + 1] : anchors[0];
    all("[data-run-next]").forEach(function (form) {
      var input = form.querySelector("[data-run-next-anchor]");
      var title = form.querySelector("[data-run-next-title]");
      if (input) input.value = next || "";
      if (title) title.textContent = next ? event.clocks[next].title : "";
      if (!next) form.hidden = true;
    });
    var wrap = root.querySelector("[data-run-follow-wrap]");
    if (wrap) wrap.hidden = !running;
    if (root.getAttribute("data-run-mode") === "page") root.hidden = !running;
    var section = markCurrent(running ? event.current : null);
    if (running && (first || event.current !== previous)) {
      if (!first && event.current_title) announce("Now discussing " + event.current_title + ".");
      if (section && following()) section.scrollIntoView({ block: "start", behavior: "smooth" });
    }
    tick();
  }

  function applyAttendance(event) {
    var names = event.attendees.map(function (person) { return person.name; });
    all("[data-run-person]").forEach(function (form) {
      var button = form.querySelector("[data-run-name]");
      var present = names.indexOf(button.getAttribute("data-run-name")) !== -1;
      button.setAttribute("aria-pressed", present ? "true" : "false");
      form.querySelector('input[name="present"]').value = present ? "0" : "1";
    });
    var list = root.querySelector("[data-run-present]");
    if (list) {
      list.textContent = "";
      event.attendees.forEach(function (person) {
        var item = document.createElement("li");
        item.textContent = person.affiliation ? person.name + ", " + person.affiliation : person.name;
        list.appendChild(item);
      });
      if (!event.attendees.length) {
        var nobody = document.createElement("li");
        nobody.className = "muted";
        nobody.textContent = "Nobody recorded yet.";
        list.appendChild(nobody);
      }
    }
  }

  function detail(event) {
    var data = event.detail || {};
    return data.type ? data : data.event || data;
  }

  document.addEventListener("live:run", function (event) { applyRun(detail(event)); });
  document.addEventListener("live:attendance", function (event) { applyAttendance(detail(event)); });

  function showError(form, message) {
    var error = form.querySelector("[data-run-error]");
    if (!error) {
      error = document.createElement("p");
      error.className = "run-error";
      error.setAttribute("role", "alert");
      error.setAttribute("data-run-error", "");
      form.insertBefore(error, form.firstChild);
    }
    error.textContent = message;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest("[data-run-form]");
    if (!form || !window.fetch) return;
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    }).then(function (response) {
      if (!(response.headers.get("Content-Type") || "").startsWith("application/json")) throw new Error("not JSON");
      return response.json();
    }).then(function (data) {
      if (button) button.disabled = false;
      if (data.redirect) { window.location.assign(data.redirect); return; }
      var old = form.querySelector("[data-run-error]");
      if (!data.ok) { showError(form, data.message); announce(data.message); return; }
      if (old) old.remove();
      announce(data.message);
      if (data.type === "run") applyRun(data);
      if (data.attendees) applyAttendance({ attendees: data.attendees.map(function (name) { return { name: name }; }) });
      if (form.hasAttribute("data-run-line")) {
        form.reset();
        var details = form.closest("details");
        if (details) details.open = false;
      }
    }).catch(function () {
      // Not JSON or no answer (a sign-in page, the network): send it the plain way, which always works.
      if (button) button.disabled = false;
      HTMLFormElement.prototype.submit.call(form);
    });
  });

  var box = root.querySelector("[data-run-follow]");
  if (box) {
    try { box.checked = window.localStorage.getItem(FOLLOW_KEY) === "1"; } catch (error) { /* storage off */ }
    box.addEventListener("change", function () {
      try { window.localStorage.setItem(FOLLOW_KEY, box.checked ? "1" : "0"); } catch (error) { /* storage off */ }
      if (box.checked && run && run.current) {
        var section = document.getElementById(run.current);
        if (section) section.scrollIntoView({ block: "start", behavior: "smooth" });
      }
    });
  }

  var url = root.getAttribute("data-run-state-url");
  if (url) {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && data.type === "run" && !run) applyRun(data); })
      .catch(function () { /* the page stays as rendered */ });
  }
  window.setInterval(tick, 1000);
})();
