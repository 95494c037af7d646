// Rendering of the conversation list and the transcript. Everything the API returns is inserted as text.
import { el } from "./dom.js";
import { clockTime, fullTime } from "./format.js";
import { displayName, reasonLabel, statusBadge, waitingFor, waitsForPerson } from "./conversations.js";

export function conversationHref(phone) {
  return `#/conversations/${encodeURIComponent(phone)}`;
}

// renderList replaces the list with the given conversations, already sorted and filtered.
export function renderList(ul, convs, { selected, me, now }) {
  const waiting = convs.filter(waitsForPerson);
  const rest = convs.filter((c) => !waitsForPerson(c));
  const items = [];
  if (waiting.length) items.push(sectionHeading(`Waiting for a person · ${waiting.length}`));
  items.push(...waiting.map((c) => listItem(c, { selected, me, now })));
  if (rest.length) items.push(sectionHeading(`With the bot · ${rest.length}`));
  items.push(...rest.map((c) => listItem(c, { selected, me, now })));
  ul.replaceChildren(...items);
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
        conv.overdue && el("span", { class: "badge badge-alert", text: "Overdue" }),
        reason && el("span", { class: "conv-reason", title: reason, text: reason }),
        agent && el("span", { class: "conv-agent", text: agent }),
      ),
      preview && el("p", { class: "conv-preview", text: preview }),
    ),
  );
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
  const grew = shown > 0 && messages.length >= shown && entryKey(messages[shown - 1]) === ol.dataset.last;
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
    el("div", { class: "msg-who" }, el("span", { text: who }), from === "agent" && el("span", { class: "msg-role", text: "agent" })),
    el("div", { class: "msg-text", text: m.text }),
    timeStamp(m.at),
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
  return `${conv.phone}|${conv.name}|${t.length}|${last ? last.at + last.text : ""}`;
}
