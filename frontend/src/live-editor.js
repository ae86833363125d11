/* The live meeting room's editor (issue 26): several people write in one
 * section at once. Built into static/js/live/live-editor.js by `make assets`
 * (frontend/build.mjs); load it with <script type="module">.
 *
 * Contract with the page (progressive enhancement: without JavaScript, or
 * before the room answers, the form's textarea works as it always did):
 *
 *   <div data-live-section
 *        data-live-url="wss://host/ws/live/<committee>/<date>/<anchor>/"
 *        data-live-room="<anchor>"          the URL's last path segment
 *        data-live-user="Name"              shown beside this person's cursor
 *        data-live-color="#1f77b4"          #rrggbb, else a default colour
 *        data-csp-nonce="..."               the request's CSP nonce
 *        data-live-label="id-of-heading"    the editor's accessible name
 *        [data-live-readonly]>              look, do not type
 *     <textarea name="body">…</textarea>
 *     <p data-live-status></p>
 *   </div>
 *
 * - The socket URL is data-live-url exactly (a path is resolved against the
 *   page, http(s) becoming ws(s)); it must be on the page's own host, and wss
 *   on an https page, or the section keeps its textarea and says why.
 * - The text lives in a Y.Doc's Y.Text named "body", synced with y-websocket's
 *   protocol; BroadcastChannel is off (tab-to-tab sync would bypass the
 *   server's checks) and the client asks for the server's state every 5 s, so
 *   that frames dropped on the way heal.
 * - The textarea is swapped for the editor on the first sync with the room:
 *   the room's text is the truth, and the textarea's text is never inserted
 *   (that would duplicate it). If the person typed in the textarea before
 *   then, the editor is not mounted and the textarea is kept, with a notice.
 * - The hidden textarea always holds the editor's text, so that a form POST
 *   sends the current text. Each change fires a bubbling "live-input"
 *   CustomEvent on the textarea, detail {text, local}, for the preview.
 * - The status element ([data-live-status], a polite live region) says
 *   "connecting…", "connected", "offline — …" or why the room closed; its
 *   data-live-state is connecting|connected|offline|closed|unavailable.
 * - CSP: CodeMirror's <style> elements carry the nonce (EditorView.cspNonce).
 *   y-codemirror.next's own remote selections set style="background-color"
 *   attributes, which a style-src without 'unsafe-inline' blocks; this file
 *   draws remote selections and cursors with classes instead
 *   (cm-yColor-<rrggbb>), whose rules live in a theme CodeMirror mounts with
 *   the nonce.
 */
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { yCollab, yRemoteSelectionsTheme, ySyncAnnotation, yUndoManagerKeymap } from "y-codemirror.next";
import { Compartment, EditorState, RangeSet } from "@codemirror/state";
import { Decoration, EditorView, ViewPlugin, WidgetType, keymap } from "@codemirror/view";
import { defaultKeymap } from "@codemirror/commands";
import { LanguageSupport, defaultHighlightStyle, syntaxHighlighting } from "@codemirror/language";
// Markdown (GitHub flavoured) without markdown()'s HTML, CSS and JavaScript
// parsers for embedded code: a third of the bundle, for colours only.
import { markdownKeymap, markdownLanguage } from "@codemirror/lang-markdown";

const RESYNC_INTERVAL_MS = 5000;
const DEFAULT_COLOR = "#1f77b4";
const COLOR = /^#[0-9a-fA-F]{6}$/;

export const STATUS = {
  connecting: "connecting…",
  connected: "connected",
  offline: "offline — your text is kept and merges when you reconnect",
  unavailable: "live editing is not available here: edit the text below and save the form",
  typedBeforeSync:
    "you typed here before the live room connected: save the form, or reload the page to join the room",
};

/** The colour as #rrggbb, or null when it is anything else. */
export function validColor(value) {
  return typeof value === "string" && COLOR.test(value) ? value.toLowerCase() : null;
}

/**
 * The socket URL from data-live-url, split as WebsocketProvider wants it
 * (serverUrl + "/" + roomname is the URL again), or an {error}.
 */
export function socketAddress(raw, room, location) {
  let url;
  try {
    url = new URL(raw || "", location.href);
  } catch {
    return { error: "the page gave no valid live address" };
  }
  if (!raw) return { error: "the page gave no live address" };
  if (url.protocol === "http:") url.protocol = "ws:";
  else if (url.protocol === "https:") url.protocol = "wss:";
  if (url.protocol !== "ws:" && url.protocol !== "wss:") {
    return { error: "the live address is not a WebSocket address" };
  }
  if (url.host !== location.host) return { error: "the live address is on another site" };
  if (location.protocol === "https:" && url.protocol !== "wss:") {
    return { error: "the live address is not encrypted on an encrypted page" };
  }
  url.hash = "";
  const href = url.href;
  const trailing = url.pathname.endsWith("/") ? "/" : "";
  const path = url.pathname.replace(/\/+$/, "");
  const cut = path.lastIndexOf("/");
  const segment = path.slice(cut + 1);
  if (!segment) return { error: "the live address names no room" };
  let name;
  try {
    name = decodeURIComponent(segment);
  } catch {
    name = null; // a malformed %-escape names no room
  }
  if (name === null || (room != null && name !== room)) {
    return { error: "the live address is not that of this section's room" };
  }
  return {
    href,
    serverUrl: url.origin + path.slice(0, cut),
    roomname: segment + trailing + url.search,
  };
}

function colorClass(color) {
  return "cm-yColor-" + color.slice(1);
}

// Rules for each colour seen so far: a class per colour rather than a style
// attribute, which the CSP's style-src would block.
function colorTheme(colors) {
  const rules = {};
  for (const color of colors) {
    const cls = "." + colorClass(color);
    rules[`${cls}.cm-ySelection, ${cls}.cm-yLineSelection`] = { backgroundColor: color + "33" };
    rules[`${cls}.cm-ySelectionCaret`] = { backgroundColor: color, borderColor: color };
  }
  return EditorView.theme(rules);
}

class RemoteCaret extends WidgetType {
  constructor(color, name) {
    super();
    this.color = color;
    this.name = name;
  }

  toDOM() {
    const caret = document.createElement("span");
    caret.className = "cm-ySelectionCaret " + colorClass(this.color);
    const dot = document.createElement("div");
    dot.className = "cm-ySelectionCaretDot";
    const info = document.createElement("div");
    info.className = "cm-ySelectionInfo";
    info.textContent = this.name;
    caret.append("\u2060", dot, "\u2060", info, "\u2060");
    return caret;
  }

  eq(other) {
    return other.color === this.color && other.name === this.name;
  }

  get estimatedHeight() {
    return -1;
  }

  ignoreEvent() {
    return true;
  }
}

/**
 * Remote selections and cursors drawn with classes, and this person's own
 * cursor published in the awareness state: y-codemirror.next's
 * yRemoteSelections, less its style attributes.
 */
function remoteSelections(ytext, awareness) {
  const themes = new Compartment();
  const plugin = ViewPlugin.fromClass(
    class {
      constructor(view) {
        this.decorations = RangeSet.of([]);
        this.colors = new Set();
        this.listener = ({ added, updated, removed }) => {
          const ids = added.concat(updated, removed);
          if (!ids.some((id) => id !== awareness.clientID)) return;
          const effects = [];
          const before = this.colors.size;
          awareness.getStates().forEach((state) => {
            const color = validColor(state.user && state.user.color);
            if (color) this.colors.add(color);
          });
          if (this.colors.size !== before) effects.push(themes.reconfigure(colorTheme(this.colors)));
          view.dispatch({ effects });
        };
        awareness.on("change", this.listener);
      }

      destroy() {
        awareness.off("change", this.listener);
      }

      update(update) {
        this.publishCursor(update);
        this.decorations = this.draw(update.view);
      }

      publishCursor(update) {
        const local = awareness.getLocalState();
        if (local == null) return;
        const focused = update.view.hasFocus && update.view.dom.ownerDocument.hasFocus();
        if (!focused) {
          if (local.cursor != null && update.view.hasFocus) awareness.setLocalStateField("cursor", null);
          return;
        }
        const sel = update.state.selection.main;
        const anchor = Y.createRelativePositionFromTypeIndex(ytext, sel.anchor);
        const head = Y.createRelativePositionFromTypeIndex(ytext, sel.head);
        const cursor = local.cursor;
        if (
          cursor == null ||
          !Y.compareRelativePositions(Y.createRelativePositionFromJSON(cursor.anchor), anchor) ||
          !Y.compareRelativePositions(Y.createRelativePositionFromJSON(cursor.head), head)
        ) {
          awareness.setLocalStateField("cursor", { anchor, head });
        }
      }

      draw(view) {
        const doc = ytext.doc;
        const ranges = [];
        awareness.getStates().forEach((state, clientID) => {
          if (clientID === awareness.clientID) return;
          const cursor = state.cursor;
          if (cursor == null || cursor.anchor == null || cursor.head == null) return;
          let anchor, head;
          try {
            anchor = Y.createAbsolutePositionFromRelativePosition(cursor.anchor, doc);
            head = Y.createAbsolutePositionFromRelativePosition(cursor.head, doc);
          } catch {
            return; // a malformed cursor from another client
          }
          if (anchor == null || head == null || anchor.type !== ytext || head.type !== ytext) return;
          const length = view.state.doc.length;
          if (anchor.index > length || head.index > length) return;
          const user = state.user || {};
          const color = validColor(user.color) || DEFAULT_COLOR;
          const name = typeof user.name === "string" ? user.name : "";
          const cls = colorClass(color);
          const start = Math.min(anchor.index, head.index);
          const end = Math.max(anchor.index, head.index);
          const startLine = view.state.doc.lineAt(start);
          const endLine = view.state.doc.lineAt(end);
          const mark = Decoration.mark({ class: "cm-ySelection " + cls });
          if (start < end) {
            if (startLine.number === endLine.number) {
              ranges.push(mark.range(start, end));
            } else {
              if (start < startLine.to) ranges.push(mark.range(start, startLine.to));
              for (let n = startLine.number + 1; n < endLine.number; n++) {
                const from = view.state.doc.line(n).from;
                ranges.push(Decoration.line({ class: "cm-yLineSelection " + cls }).range(from));
              }
              if (endLine.from < end) ranges.push(mark.range(endLine.from, end));
            }
          }
          ranges.push(
            Decoration.widget({
              side: head.index - anchor.index > 0 ? -1 : 1,
              widget: new RemoteCaret(color, name),
            }).range(head.index),
          );
        });
        return Decoration.set(ranges, true);
      }
    },
    { decorations: (value) => value.decorations },
  );
  return [themes.of([]), yRemoteSelectionsTheme, plugin];
}

function setStatus(element, state, text) {
  if (!element) return;
  element.dataset.liveState = state;
  element.textContent = text;
}

/** Mounts the live editor in one [data-live-section]; returns its handle, or null. */
export function mountLiveSection(section) {
  if (section.dataset.liveMounted) return null;
  section.dataset.liveMounted = "true";
  const textarea = section.querySelector("textarea");
  const status = section.querySelector("[data-live-status]");
  if (status) {
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
  }
  if (!textarea) {
    setStatus(status, "unavailable", STATUS.unavailable);
    return null;
  }
  const address = socketAddress(section.dataset.liveUrl, section.dataset.liveRoom ?? null, window.location);
  if (address.error) {
    setStatus(status, "unavailable", `${STATUS.unavailable} (${address.error})`);
    return null;
  }
  const readOnly = section.hasAttribute("data-live-readonly");
  const color = validColor(section.dataset.liveColor) || DEFAULT_COLOR;
  const name = section.dataset.liveUser || "";

  const ydoc = new Y.Doc();
  const ytext = ydoc.getText("body");
  const provider = new WebsocketProvider(address.serverUrl, address.roomname, ydoc, {
    disableBc: true,
    resyncInterval: RESYNC_INTERVAL_MS,
  });
  provider.awareness.setLocalStateField("user", { name, color, colorLight: color + "33" });

  const editable = new Compartment();
  const contentAttributes = { "aria-multiline": "true" };
  if (section.dataset.liveLabel) contentAttributes["aria-labelledby"] = section.dataset.liveLabel;
  else contentAttributes["aria-label"] = textarea.getAttribute("aria-label") || "Section text";

  const mirror = EditorView.updateListener.of((update) => {
    if (!update.docChanged) return;
    const text = update.state.doc.toString();
    textarea.value = text;
    // Changes from the room come through y-codemirror.next, annotated.
    const local = !update.transactions.some((tr) => tr.annotation(ySyncAnnotation) !== undefined);
    textarea.dispatchEvent(new CustomEvent("live-input", { bubbles: true, detail: { text, local } }));
  });

  let view = null;
  let closed = false;
  let unsentOffline = false;
  const originalText = textarea.value;

  function mount() {
    view = new EditorView({
      state: EditorState.create({
        doc: ytext.toString(),
        extensions: [
          EditorView.cspNonce.of(section.dataset.cspNonce || ""),
          keymap.of([...yUndoManagerKeymap, ...markdownKeymap, ...defaultKeymap]),
          new LanguageSupport(markdownLanguage),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of(contentAttributes),
          editable.of(EditorState.readOnly.of(readOnly)),
          yCollab(ytext, null),
          remoteSelections(ytext, provider.awareness),
          mirror,
        ],
      }),
    });
    textarea.after(view.dom);
    textarea.hidden = true;
    textarea.value = ytext.toString();
  }

  provider.on("status", ({ status: state }) => {
    if (closed) return;
    if (state === "connected") setStatus(status, "connecting", STATUS.connecting);
    else if (state === "connecting" && !view) setStatus(status, "connecting", STATUS.connecting);
    else setStatus(status, "offline", STATUS.offline);
  });
  provider.on("sync", (synced) => {
    if (closed || !synced) return;
    if (!view) {
      if (textarea.value !== originalText) {
        // Their text would be lost under the room's: keep the old form.
        provider.destroy();
        closed = true;
        setStatus(status, "unavailable", STATUS.typedBeforeSync);
        return;
      }
      mount();
    }
    unsentOffline = false;
    setStatus(status, "connected", STATUS.connected);
  });
  // Codes 4400-4499: the server refuses this person (rights revoked, room
  // closed); y-websocket does not reconnect, and typing would go nowhere.
  provider.on("closed", ({ reason }) => {
    closed = true;
    const why = reason ? ` (${reason})` : "";
    if (!view) {
      setStatus(status, "closed", `the live room closed${why}: edit the text below and save the form`);
      return;
    }
    view.dispatch({ effects: editable.reconfigure(EditorState.readOnly.of(true)) });
    setStatus(status, "closed", `the live room closed${why}: your changes cannot be sent any more; reload the page`);
  });
  ydoc.on("update", (_update, origin) => {
    if (origin !== provider && !provider.synced) unsentOffline = true;
  });
  // Edits made offline live only in this tab until the room has them.
  const guardUnload = (event) => {
    if (unsentOffline) event.preventDefault();
  };
  window.addEventListener("beforeunload", guardUnload);
  setStatus(status, "connecting", STATUS.connecting);

  return {
    provider,
    ydoc,
    ytext,
    get view() {
      return view;
    },
    destroy() {
      closed = true;
      window.removeEventListener("beforeunload", guardUnload);
      provider.destroy();
      if (view) view.destroy();
      textarea.hidden = false;
    },
  };
}

/** Mounts every [data-live-section] under root; returns their handles. */
export function mountLiveSections(root = document) {
  const handles = [];
  for (const section of root.querySelectorAll("[data-live-section]")) {
    // One section that cannot be mounted keeps its textarea; the others go on.
    try {
      const handle = mountLiveSection(section);
      if (handle) handles.push(handle);
    } catch (error) {
      console.error("live editor:", error);
      setStatus(section.querySelector("[data-live-status]"), "unavailable", STATUS.unavailable);
    }
  }
  return handles;
}

if (typeof document !== "undefined") {
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => mountLiveSections());
  } else {
    mountLiveSections();
  }
}
