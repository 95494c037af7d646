// The agent console: sign-in, the waiting-first list, one conversation with its actions, and polling.
import { AgentApi } from "./api.js";
import { charCount, displayPhone } from "./format.js";
import {
  MAX_REPLY_CHARS,
  deadlineNote,
  displayName,
  matchesFilter,
  reasonLabel,
  safeLink,
  sortWaitingFirst,
  statusBadge,
  waitingFor,
  waitsForPerson,
} from "./conversations.js";
import { renderList, renderTranscript, transcriptKey } from "./view.js";

const POLL_MS = 2000;
const HIDDEN_POLL_MS = 10000;
const TITLE = "Agent console · supportd";
const saved = { token: "supportd.agent.token", name: "supportd.agent.name" };

const $ = (id) => document.getElementById(id);

const state = {
  api: null,
  list: [],
  selected: "", // phone of the open conversation; "" for none
  detail: null,
  detailKey: "",
  filter: "all",
  search: "",
  busy: false,
  drafts: new Map(),
  timer: 0,
  session: 0, // changes at every sign-in and sign-out, so that late answers are dropped
  ticket: 0, // numbers detail requests, so that an answer older than an action's result is dropped
  minTicket: 0,
};

// Sign-in and sign-out

function showSignIn(message) {
  stopPolling();
  state.api = null;
  state.session++;
  $("app").hidden = true;
  $("signin").hidden = false;
  document.title = TITLE;
  $("signin-name").value = localStorage.getItem(saved.name) || "";
  $("signin-token").value = "";
  showError($("signin-error"), message);
  ($("signin-name").value ? $("signin-token") : $("signin-name")).focus();
}

async function onSignIn(event) {
  event.preventDefault();
  const name = $("signin-name").value.trim();
  const token = $("signin-token").value.trim();
  const error = $("signin-error");
  if (!name) return showError(error, "Enter your name: it is recorded on the conversations you take over.");
  if (!token) return showError(error, "Enter the agent token.");

  const button = $("signin-submit");
  button.disabled = true;
  button.textContent = "Signing in…";
  const api = new AgentApi(token, name);
  try {
    const list = await api.list();
    localStorage.setItem(saved.name, name);
    localStorage.setItem(saved.token, token);
    startSession(api, list);
  } catch (err) {
    showError(
      error,
      err.status === 401 ? "That agent token was not accepted. Check AGENT_API_TOKEN and try again." : err.message,
    );
    $("signin-token").select();
  } finally {
    button.disabled = false;
    button.textContent = "Sign in";
  }
}

function signOut() {
  localStorage.removeItem(saved.token);
  state.selected = "";
  showSignIn("");
}

// handleAuth returns to the sign-in form when the server rejects the token. It says whether it did.
function handleAuth(err) {
  if (err.status !== 401) return false;
  localStorage.removeItem(saved.token);
  showSignIn("The server did not accept your agent token (401). Sign in again with the current token.");
  return true;
}

function startSession(api, list) {
  state.api = api;
  state.session++;
  $("signin").hidden = true;
  $("app").hidden = false;
  $("agent-name").textContent = api.agent;
  showError($("signin-error"), "");
  if (list) applyList(list);
  state.selected = null; // so that route() lays out the panes afresh
  route();
  schedule(list ? POLL_MS : 0);
}

// Polling

function schedule(delay) {
  clearTimeout(state.timer);
  state.timer = setTimeout(poll, delay ?? (document.hidden ? HIDDEN_POLL_MS : POLL_MS));
}

function stopPolling() {
  clearTimeout(state.timer);
}

async function poll() {
  const session = state.session;
  try {
    const [list] = await Promise.all([state.api.list(), state.selected ? loadDetail(state.selected) : null]);
    if (session !== state.session) return;
    applyList(list);
    showBanner("");
  } catch (err) {
    if (session !== state.session || handleAuth(err)) return;
    showBanner(`Cannot refresh: ${err.message} Retrying…`);
  }
  if (session === state.session) schedule();
}

async function loadDetail(phone) {
  const ticket = ++state.ticket;
  try {
    const conv = await state.api.get(phone);
    if (phone === state.selected && ticket > state.minTicket && !state.busy) applyDetail(conv);
  } catch (err) {
    if (err.status !== 404) throw err;
    if (phone === state.selected) showDetailError("This conversation was not found.");
  }
}

// The list

function applyList(list) {
  state.list = Array.isArray(list) ? list : [];
  renderListView();
}

function renderListView() {
  const ul = $("conv-list");
  const shown = sortWaitingFirst(state.list).filter((c) => matchesFilter(c, state.filter, state.search));
  const focused = ul.contains(document.activeElement) ? document.activeElement.dataset.phone : "";
  renderList(ul, shown, { selected: state.selected, me: state.api?.agent, now: Date.now() });
  if (focused) ul.querySelector(`[data-phone="${CSS.escape(focused)}"]`)?.focus();

  const empty = $("list-empty");
  empty.hidden = shown.length > 0;
  empty.textContent = state.list.length
    ? "No conversation matches."
    : "No conversations yet. They appear here as soon as a customer writes.";

  const waiting = state.list.filter(waitsForPerson).length;
  const pill = $("waiting-count");
  pill.hidden = waiting === 0;
  pill.textContent = `${waiting} waiting`;
  document.title = waiting ? `(${waiting}) ${TITLE}` : TITLE;
}

function setFilter(filter) {
  state.filter = filter;
  for (const b of document.querySelectorAll(".filter")) {
    b.setAttribute("aria-pressed", String(b.dataset.filter === filter));
  }
  renderListView();
}

// One conversation

function route() {
  const match = location.hash.match(/^#\/conversations\/([^/]+)$/);
  select(match ? decodeURIComponent(match[1]) : "");
}

function select(phone) {
  if (phone === state.selected && (phone === "" || state.detail)) return;
  if (state.selected) state.drafts.set(state.selected, $("reply-text").value);
  state.selected = phone;
  state.detail = null;
  state.detailKey = "";
  $("panes").classList.toggle("show-detail", Boolean(phone));
  $("detail-empty").hidden = Boolean(phone);
  $("detail-body").hidden = !phone;
  showDetailError("");
  renderListView();
  if (!phone) return;

  $("d-name").textContent = displayPhone(phone);
  $("d-phone").textContent = "";
  $("d-status").hidden = true;
  const transcript = $("transcript");
  transcript.replaceChildren();
  delete transcript.dataset.phone;
  $("reply-text").value = state.drafts.get(phone) || "";
  updateComposer();
  updateActions();
  loadDetail(phone).catch((err) => handleAuth(err) || showDetailError(err.message));
}

function applyDetail(conv) {
  if (state.detail && !Array.isArray(conv.transcript)) conv.transcript = state.detail.transcript;
  state.detail = conv;
  const me = state.api?.agent;
  const badge = statusBadge(conv, me);
  const status = $("d-status");
  status.hidden = false;
  status.className = `badge badge-${badge.tone}`;
  status.textContent = badge.text;
  $("d-name").textContent = displayName(conv);
  $("d-phone").textContent = displayPhone(conv.phone);

  const waiting = waitsForPerson(conv);
  setFact("reason", waiting ? reasonLabel(conv) : "");
  setFact("waiting", waiting ? waitingFor(conv.handoff_at).replace(/^waiting /, "") : "");
  setFact("assignee", conv.assignee === me ? `${conv.assignee} (you)` : conv.assignee || "");
  const link = safeLink(conv.temporal_url);
  $("f-temporal").hidden = !link;
  if (link) $("d-temporal").href = link;

  $("d-confirm").hidden = conv.status !== "awaiting_confirmation";
  $("d-note").hidden = !conv.out_of_hours_note;
  $("d-note").textContent = conv.out_of_hours_note || "";
  const deadline = deadlineNote(conv);
  $("d-deadline").hidden = !deadline;
  $("d-deadline").textContent = deadline;
  $("d-summary-box").hidden = !(waiting && conv.summary);
  $("d-summary").textContent = conv.summary || "";

  updateActions();
  updateComposer();
  // Last, once the buttons and notices above it have their final size.
  const key = transcriptKey(conv);
  if (key !== state.detailKey) {
    const list = $("transcript");
    const scroller = getComputedStyle(list).overflowY === "visible" ? $("detail-body") : list;
    renderTranscript(list, conv, scroller);
    state.detailKey = key;
  }
}

function setFact(name, value) {
  $(`f-${name}`).hidden = !value;
  $(`d-${name}`).textContent = value;
}

function updateActions() {
  const conv = state.detail;
  const mine = Boolean(conv) && conv.assignee === state.api?.agent;
  const confirming = conv?.status === "awaiting_confirmation";
  const takenByOther = conv?.status === "handoff" && conv.assignee && !mine;
  $("act-takeover").hidden = !conv || confirming || mine || takenByOther;
  $("act-keep").hidden = !confirming;
  $("act-return").hidden = !conv || conv.status === "active";
  for (const id of ["act-takeover", "act-keep", "act-return"]) $(id).disabled = state.busy || !conv;
}

async function act(kind, button, busyLabel) {
  const phone = state.selected;
  if (!phone || state.busy) return;
  const label = button.textContent;
  setBusy(true);
  button.textContent = busyLabel;
  showDetailError("");
  try {
    const conv = await state.api[kind](phone);
    state.minTicket = ++state.ticket;
    if (phone === state.selected && conv && conv.phone === phone) applyDetail(conv);
  } catch (err) {
    if (!handleAuth(err)) showDetailError(err.message);
  } finally {
    button.textContent = label;
    setBusy(false);
    if (state.api) schedule(0);
  }
}

function setBusy(busy) {
  state.busy = busy;
  updateActions();
  updateComposer();
}

// The reply composer

function updateComposer() {
  const text = $("reply-text").value;
  const count = charCount(text);
  const over = count > MAX_REPLY_CHARS;
  const counter = $("reply-count");
  counter.textContent = `${count} / ${MAX_REPLY_CHARS}`;
  counter.classList.toggle("is-over", over);
  counter.classList.toggle("is-near", !over && count > MAX_REPLY_CHARS - 200);
  $("reply-send").disabled = state.busy || !text.trim() || over;
  $("reply-hint").textContent = over ? `Too long by ${count - MAX_REPLY_CHARS} characters.` : composerHint();
  $("reply-hint").classList.toggle("is-error", over);
}

function composerHint() {
  const conv = state.detail;
  if (!conv) return "";
  if (conv.status === "active") return "The bot is answering. Take over to reply.";
  if (conv.status === "handoff" && !conv.assignee) return "Take over to reply.";
  if (conv.assignee && conv.assignee !== state.api?.agent) return `${conv.assignee} has this conversation.`;
  return "Ctrl+Enter sends.";
}

async function onReply(event) {
  event.preventDefault();
  const phone = state.selected;
  const textarea = $("reply-text");
  const text = textarea.value.trim();
  if (!phone || state.busy) return;
  if (!text) return showDetailError("Write a reply first.");
  if (charCount(text) > MAX_REPLY_CHARS) {
    return showDetailError(`The reply is too long: the limit is ${MAX_REPLY_CHARS} characters.`);
  }
  const button = $("reply-send");
  setBusy(true);
  button.textContent = "Sending…";
  showDetailError("");
  try {
    await state.api.reply(phone, text);
    state.drafts.delete(phone);
    if (phone === state.selected) textarea.value = "";
  } catch (err) {
    if (!handleAuth(err)) showDetailError(err.message);
  } finally {
    button.textContent = "Send";
    setBusy(false);
    if (state.api) schedule(0);
  }
}

// Messages to the agent

function showError(node, message) {
  node.hidden = !message;
  node.textContent = message || "";
}

function showDetailError(message) {
  showError($("d-error"), message);
}

function showBanner(message) {
  showError($("banner"), message);
}

// Start

function main() {
  $("signin-form").addEventListener("submit", onSignIn);
  $("signout").addEventListener("click", signOut);
  $("back").addEventListener("click", () => {
    location.hash = "#/";
  });
  window.addEventListener("hashchange", route);
  for (const b of document.querySelectorAll(".filter")) {
    b.addEventListener("click", () => setFilter(b.dataset.filter));
  }
  $("search").addEventListener("input", (e) => {
    state.search = e.target.value;
    renderListView();
  });
  $("act-takeover").addEventListener("click", (e) => act("takeover", e.currentTarget, "Taking over…"));
  $("act-return").addEventListener("click", (e) => act("returnToBot", e.currentTarget, "Returning…"));
  $("act-keep").addEventListener("click", (e) => act("keep", e.currentTarget, "Keeping…"));
  $("reply-form").addEventListener("submit", onReply);
  $("reply-text").addEventListener("input", updateComposer);
  $("reply-text").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      $("reply-form").requestSubmit();
    }
  });
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && state.api) schedule(0);
  });

  const token = localStorage.getItem(saved.token);
  const name = localStorage.getItem(saved.name);
  if (token && name) startSession(new AgentApi(token, name), null);
  else showSignIn("");
}

main();
