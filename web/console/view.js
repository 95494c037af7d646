// Rendering of the conversation list and the transcript. Everything the API returns is inserted as text.
import { el } from "./dom.js";
import { clockTime, fullTime } from "./format.js";
import { displayName, hints, reasonLabel, statusBadge, waitingFor, waitsForPerson } from "./conversations.js";

export function conversationHref(phone) {
  return `#/conversations/${encodeURIComponent(phone)}`;
}

// rows remembers, per list, each row's node and what it showed, so that a live update rebuilds only the rows
// that changed: the row under an agent's pointer stays the same element while others move.
const rows = new WeakMap();

// renderList shows the given conversations, already sorted and filtered.
export function renderList(ul, convs, { selected, me, now }) {
  const before = rows.get(ul) || new Map();
  const after = new Map();
  const reuse = (key, shown, build) => {
    const old = before.get(key);
    const node = old && old.shown === shown ? old.node : build();
    after.set(key, { shown, node });
    return node;
  };
  const row = (c) => {
    const opts = { selected, me, now };
    return reuse(`c:${c.phone}`, rowShows(c, opts), () => listItem(c, opts));
  };
  const heading = (text) => reuse(`h:${text}`, text, () => sectionHeading(text));
  const waiting = convs.filter(waitsForPerson);
  const rest = convs.filter((c) => !waitsForPerson(c));
  const items = [];
  if (waiting.length) items.push(heading(`Waiting for a person · ${waiting.length}`));
  items.push(...waiting.map(row));
  if (rest.length) items.push(heading(`With the bot · ${rest.length}`));
  items.push(...rest.map(row));
  rows.set(ul, after);
  const current = [...ul.children];
  if (current.length === items.length && current.every((n, i) => n === items[i])) return;
  ul.replaceChildren(...items);
}

// rowShows is everything a row shows, to tell whether it must be built again.
function rowShows(conv, { selected, me, now }) {
  const waiting = waitsForPerson(conv);
  const when = waiting ? waitingFor(conv.handoff_at, now) : clockTime(conv.last_activity);
  return JSON.stringify([conv, conv.phone === selected, me, when, hints(conv, now)]);
}

function sectionHeading(text) {
  return el("li", { class: "list-section", role: "presentation" }, text);
}

function listItem(conv, { selected, me, now }) {
  const badge = statusBadge(conv, me);
  const waiting = waitsForPerson(conv);
  const reason = waiting ? reasonLabel(conv) : "";
  const preview = waiting && conv.summary ? conv.summary : conv.last_message || "";
  const when = waiting ? waitingFor(conv.handoff_at, now) : clockTime(conv.last_activity);
  // The badge names the agent of a handoff; a conversation awaiting confirmation names them here.
  const agent = conv.status === "awaiting_confirmation" && conv.assignee ? conv.assignee : "";
  return el(
    "li",
    { class: "conv" },
    el(
      "a",
      {
        class: `conv-link${waiting ? " is-waiting" : ""}`,
        href: conversationHref(conv.phone),
        "aria-current": conv.phone === selected ? "true" : null,
        "data-phone": conv.phone,
      },
      el(
        "div",
        { class: "conv-top" },
        el("span", { class: "conv-name", text: displayName(conv) }),
        when && el("span", { class: `conv-when${waiting ? " is-waiting" : ""}`, text: when }),
      ),
      el(
        "div",
        { class: "conv-meta" },
        el("span", { class: `badge badge-${badge.tone}`, text: badge.text }),
        ...hints(conv, now).map(hintBadge),
        reason && el("span", { class: "conv-reason", title: reason, text: reason }),
        agent && el("span", { class: "conv-agent", text: agent }),
      ),
      preview && el("p", { class: "conv-preview", text: preview }),
    ),
  );
}

function hintBadge(h) {
  return el("span", { class: `badge badge-${h.tone} badge-hint`, text: h.text });
}

// renderHints shows a conversation's warnings (overdue, window closing) next to its status.
export function renderHints(node, list) {
  node.replaceChildren(...list.map(hintBadge));
}

const speakers = { customer: "Customer", bot: "Bot", agent: "Agent", system: "" };

// renderTranscript shows the transcript of conv. When the transcript only grew, it appends the new
// messages, so that a screen reader announces just those. It keeps the view at the newest message when it
// was there before, and goes there when another conversation opens. scroller is the element that scrolls:
// the transcript itself on a wide screen, the whole conversation on a phone.
export function renderTranscript(ol, conv, scroller) {
  const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
  const messages = conv.transcript || [];
  const shown = ol.dataset.phone === conv.phone ? Number(ol.dataset.count || 0) : -1;
  const grew = shown > 0 && messages.length >= shown && entryKey(messages[shown - 1]) === ol.dataset.last &&
    deliveriesKey(messages.slice(0, shown)) === ol.dataset.deliveries;
  if (grew) {
    ol.append(...messages.slice(shown).map((m) => message(m, conv)));
  } else {
    const items = messages.map((m) => message(m, conv));
    if (!items.length) items.push(el("li", { class: "msg msg-system", text: "No messages yet." }));
    ol.replaceChildren(...items);
  }
  if (atBottom || ol.dataset.phone !== conv.phone) scroller.scrollTop = scroller.scrollHeight;
  ol.dataset.phone = conv.phone;
  ol.dataset.count = String(messages.length);
  ol.dataset.last = messages.length ? entryKey(messages[messages.length - 1]) : "";
  ol.dataset.deliveries = deliveriesKey(messages);
}

// deliveriesKey is what WhatsApp reported of every line: a line marked delivered or failed later is shown
// again.
function deliveriesKey(messages) {
  return messages.map((m) => m.delivery || "").join(",");
}

const deliveryWords = { sent: "Sent", delivered: "Delivered", read: "Read", failed: "Not delivered" };

// deliveryNote says what WhatsApp reported of an outbound message, and why it failed.
function deliveryNote(m) {
  const words = deliveryWords[m.delivery];
  if (!words) return null;
  const text = m.delivery === "failed" && m.error ? `${words}: ${m.error}` : words;
  return el("div", { class: `msg-delivery msg-delivery-${m.delivery}`, role: m.delivery === "failed" ? "alert" : null, text });
}

function entryKey(m) {
  return `${m.from}|${m.at}|${m.text}`;
}

function message(m, conv) {
  const from = speakers[m.from] === undefined ? "system" : m.from;
  if (from === "system") {
    return el("li", { class: "msg msg-system" }, el("span", { text: m.text }), timeStamp(m.at));
  }
  let who = speakers[from];
  if (from === "customer") who = displayName(conv);
  if (from === "agent" && m.agent) who = m.agent;
  return el(
    "li",
    { class: `msg msg-${from}` },
    el(
      "div",
      { class: "msg-who" },
      el("span", { text: who }),
      from === "agent" && el("span", { class: "msg-role", text: m.source === "business_app" ? "WhatsApp Business app" : "agent" }),
    ),
    el("div", { class: "msg-text", text: m.text }),
    timeStamp(m.at),
    deliveryNote(m),
  );
}

function timeStamp(iso) {
  const text = clockTime(iso);
  return text ? el("time", { class: "msg-time", datetime: iso, title: fullTime(iso), text }) : null;
}

// transcriptKey changes whenever the transcript would render differently.
export function transcriptKey(conv) {
  const t = conv.transcript || [];
  const last = t[t.length - 1];
  return `${conv.phone}|${conv.name}|${t.length}|${last ? last.at + last.text : ""}|${deliveriesKey(t)}`;
}
