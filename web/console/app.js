// The agent console: sign-in, the waiting-first list, one conversation with its actions, and live updates
// from the gateway's event stream (slow polling only while the stream is unavailable).
import { AgentApi, newMessageKey } from "./api.js";
import { charCount, displayCustomer, displayPhone } from "./format.js";
import {
  MAX_REPLY_CHARS,
  deadlineNote,
  displayName,
  hints,
  matchesFilter,
  reasonLabel,
  safeLink,
  sortWaitingFirst,
  statusBadge,
  waitingFor,
  unclaimed,
  waitsForPerson,
} from "./conversations.js";
import { LiveStream } from "./live.js";
import { renderHints, renderList, renderTranscript, transcriptKey } from "./view.js";

// SLOW_POLL_MS paces the list while the event stream is unavailable (blocked by a proxy, gateway restarting).
const SLOW_POLL_MS = 30000;
// RESYNC_RETRY_MS: a list read that failed while the stream is live is tried again after this.
const RESYNC_RETRY_MS = 5000;
const TITLE = "Agent console · supportd";
const saved = { token: "supportd.agent.token", name: "supportd.agent.name", sound: "supportd.agent.sound" };

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
  // unsent holds, by phone, the reply whose last send had no certain answer ({text, key}): sending the same
  // text again is a retry of that message, under the same Idempotency-Key.
  unsent: new Map(),
  timer: 0, // the next list read, while polling or retrying; 0 for none
  live: null, // the event stream
  liveState: "connecting",
  listLoaded: false,
  resyncing: false,
  queued: [], // events that came while the list was being read, applied after it
  fresh: new Set(), // phones that newly wait for a person and nobody has opened since
  alerts: 0,
  sound: localStorage.getItem(saved.sound) === "on",
  session: 0, // changes at every sign-in and sign-out, so that late answers are dropped
  ticket: 0, // numbers detail requests, so that an answer older than an action's result is dropped
  minTicket: 0,
};

// Sign-in and sign-out

function showSignIn(message) {
  stopPolling();
  stopLive();
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
  state.listLoaded = false;
  state.fresh.clear();
  if (list) applyList(list);
  state.selected = null; // so that route() lays out the panes afresh
  route();
  if (!list) schedule(0);
  startLive(api);
}

// Live updates. The stream says "ready" when it (re)connects and "resync" when the gateway may have missed
// changes: the console then reads the list once. Each "conversation" event replaces that list row, and
// reloads the open conversation when it is the one that changed.

function startLive(api) {
  stopLive();
  const session = state.session;
  const live = new LiveStream(api.token, {
    onState: (s, failures) => session === state.session && onLiveState(s, failures),
    onEvent: (name, data) => session === state.session && onLiveEvent(name, data),
    onUnauthorized: () => session === state.session && handleAuth({ status: 401 }),
  });
  state.live = live;
  live.start();
}

function stopLive() {
  state.live?.stop();
  state.live = null;
}

function onLiveState(s, failures) {
  state.liveState = s;
  if (s === "live") stopPolling();
  // One failure may be a gateway restarting; from the second on, poll slowly until the stream is back.
  if (s !== "live" && failures >= 2 && !state.timer) schedule(0);
  // "Live" shows once the list read that follows "ready" is in.
  if (s !== "live") showLive(s, failures);
}

function showLive(s, failures) {
  const node = $("live");
  node.dataset.state = s === "live" ? "live" : failures >= 2 ? "polling" : "connecting";
  node.textContent =
    s === "live"
      ? "Live"
      : failures >= 2
        ? `Updates every ${SLOW_POLL_MS / 1000} s`
        : failures
          ? "Reconnecting…"
          : "Connecting…";
  node.title =
    s === "live"
      ? "Changes appear as they happen."
      : "The live connection to the server is not available; the list is read every " +
        `${SLOW_POLL_MS / 1000} seconds meanwhile.`;
}

function onLiveEvent(name, data) {
  if (name === "ready" || name === "resync") {
    resync().then((ok) => {
      if (!state.api || state.liveState !== "live") return;
      if (ok) showLive("live", 0);
      else schedule(RESYNC_RETRY_MS);
    });
    return;
  }
  if (name !== "conversation") return;
  let row;
  try {
    row = JSON.parse(data);
  } catch {
    return;
  }
  if (state.resyncing) state.queued.push(row);
  else applyRow(row);
}

// Polling, while the stream is down, and retries of a failed list read

function schedule(delay) {
  clearTimeout(state.timer);
  state.timer = setTimeout(poll, delay);
}

function stopPolling() {
  clearTimeout(state.timer);
  state.timer = 0;
}

async function poll() {
  state.timer = 0;
  const session = state.session;
  const ok = await resync();
  if (session !== state.session || !state.api) return;
  if (state.liveState !== "live") schedule(SLOW_POLL_MS);
  else if (!ok) schedule(RESYNC_RETRY_MS);
}

// resync reads the list and the open conversation, then applies the events that came meanwhile. It says
// whether the list was read.
async function resync() {
  const session = state.session;
  state.resyncing = true;
  state.queued = [];
  let ok = false;
  try {
    const [list] = await Promise.all([state.api.list(), state.selected ? loadDetail(state.selected) : null]);
    if (session !== state.session) return false;
    applyList(list);
    showBanner("");
    ok = true;
  } catch (err) {
    if (session !== state.session || handleAuth(err)) return false;
    showBanner(`Cannot refresh: ${err.message} Retrying…`);
  } finally {
    if (session === state.session) {
      state.resyncing = false;
      const queued = state.queued;
      state.queued = [];
      for (const row of queued) applyRow(row);
    }
  }
  return ok;
}

// afterAction shows at once what an agent's action changed: the open conversation when the stream is
// live (its list row comes as an event), everything otherwise.
function afterAction() {
  if (!state.api) return;
  if (state.liveState !== "live") return schedule(0);
  if (state.selected) loadDetail(state.selected).catch((err) => handleAuth(err) || showDetailError(err.message));
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
  const before = state.list;
  state.list = Array.isArray(list) ? list : [];
  if (state.listLoaded) noteNewlyWaiting(before, state.list);
  state.listLoaded = true;
  renderListView();
}

// applyRow puts a conversation's new list entry in place and reloads it when it is open.
function applyRow(row) {
  if (!row || typeof row.phone !== "string" || !row.phone) return;
  const i = state.list.findIndex((c) => c.phone === row.phone);
  const before = i >= 0 ? [state.list[i]] : [];
  if (i >= 0) state.list[i] = row;
  else state.list.push(row);
  state.list.sort((a, b) => (Date.parse(b.last_activity) || 0) - (Date.parse(a.last_activity) || 0));
  noteNewlyWaiting(before, [row]);
  renderListView();
  if (row.phone === state.selected && !state.busy) {
    loadDetail(row.phone).catch((err) => handleAuth(err) || showDetailError(err.message));
  }
}

// noteNewlyWaiting marks the conversations of after that wait for a person and did not in before (or were
// not in it), and alerts the agent once for them.
function noteNewlyWaiting(before, after) {
  const was = new Map(before.map((c) => [c.phone, c]));
  let added = 0;
  for (const c of after) {
    const old = was.get(c.phone);
    if (unclaimed(c) && !(old && unclaimed(old)) && c.phone !== state.selected) {
      state.fresh.add(c.phone);
      added++;
    }
  }
  if (added) alertAgent();
}

let audio = null;

// alertAgent counts an alert (the page's data-alerts, for tests and extensions) and beeps when the agent
// turned the sound on.
function alertAgent() {
  state.alerts++;
  document.body.dataset.alerts = String(state.alerts);
  if (state.sound) beep();
}

function beep() {
  try {
    audio ??= new AudioContext();
    if (audio.state === "suspended") audio.resume();
    const t = audio.currentTime;
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.2, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.3);
    osc.connect(gain).connect(audio.destination);
    osc.start(t);
    osc.stop(t + 0.35);
  } catch {
    // No audio on this device: the badge still shows.
  }
}

function setSound(on) {
  state.sound = on;
  localStorage.setItem(saved.sound, on ? "on" : "off");
  const button = $("sound");
  button.setAttribute("aria-pressed", String(on));
  button.textContent = on ? "Sound on" : "Sound off";
  button.title = on
    ? "A short sound plays when a conversation starts waiting for a person."
    : "Turn on a short sound for conversations that start waiting for a person.";
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

  for (const phone of state.fresh) {
    const c = state.list.find((x) => x.phone === phone);
    if (!c || !unclaimed(c) || phone === state.selected) state.fresh.delete(phone);
  }
  const fresh = $("new-count");
  fresh.hidden = state.fresh.size === 0;
  fresh.textContent = `${state.fresh.size} new`;
  for (const phone of state.fresh) {
    ul.querySelector(`[data-phone="${CSS.escape(phone)}"]`)?.classList.add("is-new");
  }
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
  state.fresh.delete(phone);
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
  $("d-hints").replaceChildren();
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
  $("d-phone").textContent = displayCustomer(conv);
  renderHints($("d-hints"), hints(conv, Date.now()));

  const waiting = waitsForPerson(conv);
  setFact("reason", waiting ? reasonLabel(conv) : "");
  setFact("waiting", waiting ? waitingFor(conv.handoff_at).replace(/^waiting /, "") : "");
  setFact("assignee", conv.assignee === me ? `${conv.assignee} (you)` : conv.assignee || "");
  setFact("csat", CSAT_LABELS[conv.csat] || "");
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

// The customer's rating of the help after the latest hand-back (CSAT).
const CSAT_LABELS = { good: "Great", ok: "OK", bad: "Not good" };

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
  $("return-note").hidden = $("act-return").hidden;
  $("return-note").disabled = state.busy || !conv;
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
    const note = kind === "returnToBot" ? $("return-note").value.trim() : "";
    const conv = await state.api[kind](phone, ...(note ? [note] : []));
    if (kind === "returnToBot") $("return-note").value = "";
    state.minTicket = ++state.ticket;
    if (phone === state.selected && conv && conv.phone === phone) applyDetail(conv);
  } catch (err) {
    if (!handleAuth(err)) showDetailError(err.message);
  } finally {
    button.textContent = label;
    setBusy(false);
    afterAction();
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
  const key = messageKey(phone, text);
  try {
    await state.api.reply(phone, text, key);
    state.unsent.delete(phone);
    state.drafts.delete(phone);
    if (phone === state.selected) textarea.value = "";
  } catch (err) {
    if (outcomeUnknown(err)) state.unsent.set(phone, { text, key });
    else state.unsent.delete(phone);
    if (!handleAuth(err)) showDetailError(err.message);
  } finally {
    button.textContent = "Send";
    setBusy(false);
    afterAction();
  }
}

// messageKey is the Idempotency-Key of the reply text to phone: the key of the earlier send of the same text
// whose outcome is unknown (a retry), else a new one (a new message).
function messageKey(phone, text) {
  const unsent = state.unsent.get(phone);
  return unsent && unsent.text === text ? unsent.key : newMessageKey();
}

// outcomeUnknown reports whether a failed send may have gone out all the same: no answer reached the console,
// or a server or proxy failed on the way. Other refusals are final, and the next send is a new message.
function outcomeUnknown(err) {
  return err.status === 0 || err.status === 408 || err.status >= 500;
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
    if (document.hidden || !state.api || state.liveState === "live") return;
    state.live?.reconnect();
    if (state.timer) schedule(0);
  });
  window.addEventListener("online", () => state.live?.reconnect());
  $("sound").addEventListener("click", () => {
    setSound(!state.sound);
    if (state.sound) beep(); // a click may start audio: let the agent hear what it sounds like
  });
  setSound(state.sound);

  const token = localStorage.getItem(saved.token);
  const name = localStorage.getItem(saved.name);
  if (token && name) startSession(new AgentApi(token, name), null);
  else showSignIn("");
}

main();
