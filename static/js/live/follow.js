// Follows a meeting as it happens: its socket (meetings/live/meeting_consumer.py) tells what changes and who is
// there. A plain ES module, no bundle; under the site's CSP (no inline script, connect-src 'self').
//
// The page's contract:
//   data-live-follow="/ws/live/<committee>/<date>/"  on one element: the meeting's socket (a path on this host).
//   data-live-follow-when="always" | "changing"      "changing" (published minutes): connect with ?changing; told
//       4404 (nobody is changing the meeting), ask again after CHANGING_RETRY_MS while the page is visible.
//   data-live-body="<anchor>"                         a section's rendered body: a "section" event replaces it.
// What it does:
//   - dispatches every frame {"type": T, ...} on `document` as CustomEvent "live:T" (detail: the frame):
//     live:section, live:presence, live:run, live:attendance...;
//   - replaces a section's body in place, only the blocks that changed, so the browser's scroll anchoring keeps the
//     reader where they read (nothing here scrolls), and shows a quiet "updated just now" (a <time> that ages); a
//     polite live region says "“<section>” updated" at most once a minute per section, never per keystroke;
//   - reconnects with backoff (1 s doubling to 30 s), and stops for good on a close code 4400-4499.
// Exports `follow(element)` (started by itself for the page's [data-live-follow]) and `here(anchor)`, which tells
// the others which section the person is in (null: none); also on `window.pmcLive.here` for classic scripts.

const CHANGING_RETRY_MS = 60_000;
const MAX_BACKOFF_MS = 30_000;
const AGE_EVERY_MS = 15_000;
const ANNOUNCE_EVERY_MS = 60_000;

let current = null; // the connection `here` speaks on

export function follow(element) {
  const path = element.dataset.liveFollow;
  const whileChanging = element.dataset.liveFollowWhen === "changing";
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const url = `${scheme}//${location.host}${path}${whileChanging ? "?changing" : ""}`;
  let socket = null;
  let attempts = 0;
  let anchor = null;
  let stopped = false;

  function connect() {
    socket = new WebSocket(url);
    socket.addEventListener("open", () => {
      attempts = 0;
      if (anchor !== null) send({ type: "here", anchor });
    });
    socket.addEventListener("message", (message) => receive(message.data));
    socket.addEventListener("close", (closed) => {
      socket = null;
      if (stopped) return;
      if (closed.code === 4404 && whileChanging) {
        later(CHANGING_RETRY_MS * (0.75 + Math.random() / 2));
      } else if (closed.code >= 4400 && closed.code <= 4499) {
        stopped = true; // refused: asking again would be refused again
      } else {
        attempts += 1;
        later(Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (attempts - 1)) * (0.5 + Math.random() / 2));
      }
    });
  }

  function later(delay) {
    setTimeout(() => {
      if (document.visibilityState === "visible") {
        connect();
      } else {
        document.addEventListener("visibilitychange", connect, { once: true });
      }
    }, delay);
  }

  function send(data) {
    if (socket !== null && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(data));
  }

  const connection = {
    here(where) {
      anchor = where ?? null;
      send({ type: "here", anchor });
    },
    stop() {
      stopped = true;
      if (socket !== null) socket.close();
    },
  };
  current = connection;
  status(); // a live region must be on the page before what it says changes
  connect();
  return connection;
}

export function here(anchor) {
  if (current !== null) current.here(anchor);
}

// The room's page (static/js/live/room.js) says where the person is as a "live:here" event.
document.addEventListener("live:here", (event) => here(event.detail?.anchor ?? null));

function receive(data) {
  let frame;
  try {
    frame = JSON.parse(data);
  } catch {
    return;
  }
  if (frame === null || typeof frame.type !== "string" || frame.type === "ping") return;
  if (frame.type === "section") showSection(frame);
  document.dispatchEvent(new CustomEvent(`live:${frame.type}`, { detail: frame }));
}

// A section's new text.

function showSection({ anchor, html }) {
  if (typeof anchor !== "string" || typeof html !== "string") return;
  const body = document.querySelector(`[data-live-body="${CSS.escape(anchor)}"]`);
  if (body === null) return;
  patch(body, html);
  markUpdated(body);
}

// Swaps only the nodes between the unchanged first and last ones: what the reader looks at stays the same node,
// so the browser's scroll anchoring holds it in place while a block above it grows or shrinks.
function patch(container, html) {
  const template = document.createElement("template");
  template.innerHTML = html; // the server's sanitised rendering; a template runs nothing
  const before = [...container.childNodes];
  const after = [...template.content.childNodes];
  let start = 0;
  while (start < before.length && start < after.length && before[start].isEqualNode(after[start])) start += 1;
  let end = 0;
  while (
    end < before.length - start &&
    end < after.length - start &&
    before[before.length - 1 - end].isEqualNode(after[after.length - 1 - end])
  ) {
    end += 1;
  }
  const next = end > 0 ? before[before.length - end] : null;
  for (const node of before.slice(start, before.length - end)) node.remove();
  for (const node of after.slice(start, after.length - end)) container.insertBefore(node, next);
}

const updatedAt = new Map(); // body element -> when it last changed
const announcedAt = new Map(); // anchor -> when it was last announced

function markUpdated(body) {
  const now = Date.now();
  let note = body.nextElementSibling;
  if (note === null || !note.classList.contains("live-updated")) {
    note = document.createElement("p");
    note.className = "live-updated";
    note.append(document.createElement("time"));
    body.after(note);
  }
  updatedAt.set(body, now);
  age(body, note.querySelector("time"), now);
  const anchor = body.dataset.liveBody;
  if (now - (announcedAt.get(anchor) ?? -Infinity) >= ANNOUNCE_EVERY_MS) {
    announcedAt.set(anchor, now);
    const heading = body.closest("section")?.querySelector("h2, h3");
    const name = heading ? heading.textContent.trim().replace(/\s+/g, " ") : "A section";
    status().textContent = `“${name}” updated`;
  }
}

function age(body, time, now) {
  const at = updatedAt.get(body);
  const minutes = Math.floor((now - at) / 60_000);
  time.dateTime = new Date(at).toISOString();
  if (minutes < 1) {
    time.textContent = "updated just now";
  } else if (minutes < 60) {
    time.textContent = `updated ${minutes} minute${minutes === 1 ? "" : "s"} ago`;
  } else {
    time.textContent = `updated at ${new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}`;
  }
}

setInterval(() => {
  const now = Date.now();
  for (const body of updatedAt.keys()) {
    const time = body.nextElementSibling?.querySelector("time");
    if (time) age(body, time, now);
  }
}, AGE_EVERY_MS);

let region = null;

function status() {
  if (region === null) {
    region = document.createElement("p");
    region.className = "visually-hidden";
    region.setAttribute("aria-live", "polite");
    region.dataset.liveStatus = "";
    document.body.append(region);
  }
  return region;
}

window.pmcLive = { here };

const page = document.querySelector("[data-live-follow]");
if (page !== null) follow(page);
