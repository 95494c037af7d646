// What the console knows about conversations: which ones wait for a person, in which order, and how
// their state reads to an agent.

import { displayPhone } from "./format.js";

export const MAX_REPLY_CHARS = 4096;

// waitsForPerson says whether the bot is silent and a person must act.
export function waitsForPerson(conv) {
  return conv.status === "handoff" || conv.status === "awaiting_confirmation";
}

// unclaimed says whether the conversation waits for a person and nobody has taken it.
export function unclaimed(conv) {
  return conv.status === "handoff" && !conv.assignee;
}

// withPeople says whether people hold the conversation (waiting for one, taken, or asked to confirm a
// return): the bot is silent, and the customer's window matters to whoever replies.
function withPeople(conv) {
  return conv.status === "handoff" || conv.status === "awaiting_confirmation";
}

// WINDOW_WARN_MS: how long before WhatsApp's 24-hour window closes the console warns.
const WINDOW_WARN_MS = 2 * 60 * 60 * 1000;

// hints are the warnings a conversation carries, when the server sends them: escalated because nobody
// took it in time ("overdue"), and the customer-service window closing soon or closed
// ("window_closes_at").
export function hints(conv, now = Date.now()) {
  const out = [];
  if (conv.overdue === true && waitsForPerson(conv)) out.push({ text: "Overdue", tone: "alert" });
  const closes = Date.parse(conv.window_closes_at || "");
  if (!Number.isNaN(closes) && withPeople(conv)) {
    if (closes <= now) out.push({ text: "Window closed", tone: "alert" });
    else if (closes - now <= WINDOW_WARN_MS) {
      out.push({ text: `Window closes in ${duration(closes - now)}`, tone: "waiting" });
    }
  }
  return out;
}

// sortWaitingFirst puts conversations waiting for a person first (unassigned before assigned, then the
// longest waiting), then the ones the bot holds in the server's order (newest activity first).
export function sortWaitingFirst(list) {
  const waiting = list.filter(waitsForPerson);
  const rest = list.filter((c) => !waitsForPerson(c));
  waiting.sort((a, b) => {
    const byAssignee = Number(Boolean(a.assignee)) - Number(Boolean(b.assignee));
    if (byAssignee !== 0) return byAssignee;
    return timeOf(a.handoff_at) - timeOf(b.handoff_at);
  });
  return [...waiting, ...rest];
}

function timeOf(iso) {
  const t = Date.parse(iso || "");
  return Number.isNaN(t) ? Number.MAX_SAFE_INTEGER : t;
}

// matchesFilter applies the list's filter buttons and search field.
export function matchesFilter(conv, filter, search) {
  if (filter === "waiting" && !waitsForPerson(conv)) return false;
  if (filter === "active" && conv.status !== "active") return false;
  const q = search.trim().toLowerCase().replace(/^\+/, "");
  if (!q) return true;
  return (conv.name || "").toLowerCase().includes(q) || (conv.phone || "").includes(q);
}

// waitingFor reads like "waiting 4 min" from the moment of the handoff.
export function waitingFor(handoffAt, now = Date.now()) {
  const since = Date.parse(handoffAt || "");
  if (Number.isNaN(since)) return "";
  return `waiting ${duration(Math.max(0, now - since))}`;
}

function duration(ms) {
  const minutes = Math.floor(ms / 60000);
  if (minutes < 1) return "under a minute";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return days === 1 ? "1 day" : `${days} days`;
}

// statusBadge names the state of a conversation from the point of view of the agent who is signed in.
export function statusBadge(conv, me) {
  switch (conv.status) {
    case "active":
      return { text: "With bot", tone: "bot" };
    case "awaiting_confirmation":
      return { text: "Confirm return", tone: "alert" };
    case "handoff":
      if (!conv.assignee) return { text: "Waiting", tone: "waiting" };
      if (conv.assignee === me) return { text: "With you", tone: "mine" };
      return { text: `With ${conv.assignee}`, tone: "taken" };
    default:
      return { text: conv.status || "Unknown", tone: "bot" };
  }
}

// reasonLabel prefers the server's words for the handoff reason.
export function reasonLabel(conv) {
  return conv.handoff_reason_label || humanize(conv.handoff_reason || "");
}

function humanize(code) {
  const words = code.replaceAll("_", " ").trim();
  return words ? words[0].toUpperCase() + words.slice(1) : "";
}

// displayName is the customer's name, or their number when WhatsApp gave no name.
export function displayName(conv) {
  return conv.name || (conv.username ? `@${conv.username.replace(/^@/, "")}` : displayPhone(conv.phone));
}

// safeLink accepts only web links, so a stored value can never run script when clicked.
export function safeLink(url) {
  return /^https?:\/\//i.test(url || "") ? url : "";
}

// deadlineNote warns an agent of an overdue handoff and of the customer's 24-hour WhatsApp window closing
// within the hour (or closed); "" when there is nothing to say.
export function deadlineNote(conv, now = Date.now()) {
  const notes = [];
  if (conv.overdue) notes.push("Overdue: nobody took this conversation in time, and the team was alerted.");
  const closes = Date.parse(conv.window_closes_at || "");
  if (withPeople(conv) && !Number.isNaN(closes)) {
    if (closes <= now) {
      notes.push("The customer's 24-hour WhatsApp window is closed: replies go out as the approved reply template.");
    } else if (closes - now <= 3600000) {
      const at = new Date(closes).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      notes.push(`The customer's 24-hour WhatsApp window closes at ${at}: after that, replies go out as the approved reply template.`);
    }
  }
  return notes.join(" ");
}
