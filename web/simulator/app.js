// The customer simulator: a WhatsApp-like chat that sends customer messages through the simulator API and
// shows what the business (bot or agent) sends back, polling once a second.
import { requestJSON } from "./http.js";
import { el } from "./dom.js";
import { charCount, clockTime, displayPhone, fullTime } from "./format.js";

const POLL_MS = 1000;
const MAX_TEXT_CHARS = 4096;
const DEFAULT_PHONE = "27820000001";
const SAMPLE_NAMES = ["Thandi", "Sipho", "Lerato", "Pieter", "Ayesha", "Johan", "Nomsa", "Kagiso"];
const saved = { phone: "supportd.sim.phone", customers: "supportd.sim.customers" };

const $ = (id) => document.getElementById(id);

const state = {
  phone: "",
  lastSeq: 0,
  timer: 0,
  customer: 0, // changes with the customer, so that answers for the previous one are dropped
  status: { text: "", tone: "" },
  pollFailing: false,
};

// Customers: the numbers used before, with their names, kept in this browser.

function customers() {
  try {
    const stored = JSON.parse(localStorage.getItem(saved.customers) || "{}");
    return stored && typeof stored === "object" ? stored : {};
  } catch {
    return {};
  }
}

function rememberCustomer(phone, name) {
  const all = customers();
  all[phone] = name;
  localStorage.setItem(saved.customers, JSON.stringify(all));
  localStorage.setItem(saved.phone, phone);
  $("recent-phones").replaceChildren(
    ...Object.entries(all).map(([p, n]) => el("option", { value: p, label: n ? `${n} (${displayPhone(p)})` : null })),
  );
}

function normalizePhone(value) {
  return value.replace(/[\s+\-()]/g, "");
}

function validPhone(phone) {
  return /^[0-9]{7,15}$/.test(phone);
}

function currentName() {
  return $("name").value.trim();
}

function switchCustomer(phone, name) {
  state.phone = phone;
  state.customer++;
  state.lastSeq = 0;
  $("phone").value = phone;
  $("name").value = name;
  rememberCustomer(phone, name);
  showWho();
  $("messages").replaceChildren(emptyNote());
  setStatus("", "");
  schedule(0);
}

function showWho() {
  $("chat-who").textContent = `You are ${currentName() || "a customer"} · ${displayPhone(state.phone)}`;
}

function onPhoneChange() {
  const phone = normalizePhone($("phone").value);
  if (!validPhone(phone)) {
    setStatus("Enter the number as 7 to 15 digits with the country code, e.g. 27820000001.", "error");
    return;
  }
  if (phone === state.phone) {
    $("phone").value = phone;
    return;
  }
  const known = customers();
  switchCustomer(phone, phone in known ? known[phone] : currentName());
}

function newCustomer() {
  const known = customers();
  let next = BigInt(state.phone || DEFAULT_PHONE) + 1n;
  while (String(next) in known) next += 1n;
  const name = SAMPLE_NAMES[Object.keys(known).length % SAMPLE_NAMES.length];
  switchCustomer(String(next), name);
  $("text").focus();
}

// Polling for messages

function schedule(delay = POLL_MS) {
  clearTimeout(state.timer);
  state.timer = setTimeout(poll, delay);
}

async function poll() {
  const customer = state.customer;
  const url = `api/messages?phone=${encodeURIComponent(state.phone)}&after=${state.lastSeq}`;
  try {
    const data = await requestJSON(url);
    if (customer !== state.customer) return;
    for (const m of data?.messages || []) addMessage(m);
    if (state.pollFailing) {
      state.pollFailing = false;
      setStatus("", "");
    }
  } catch (err) {
    if (customer !== state.customer) return;
    state.pollFailing = true;
    setStatus(`Cannot load messages: ${err.message}`, "error");
  }
  if (customer === state.customer) schedule();
}

function addMessage(m) {
  if (typeof m.seq !== "number" || m.seq <= state.lastSeq) return;
  state.lastSeq = m.seq;
  const list = $("messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 60;
  list.querySelector(".empty")?.remove();
  const mine = m.from === "customer" || m.direction === "in";
  list.append(bubble(m, mine));
  if (atBottom || mine) list.scrollTop = list.scrollHeight;
}

function bubble(m, mine) {
  const text = m.text || (m.type && m.type !== "text" ? `[${m.type}]` : "");
  const buttons = m.type === "buttons" && Array.isArray(m.buttons) ? m.buttons : [];
  return el(
    "li",
    { class: `msg ${mine ? "msg-mine" : "msg-theirs"}`, "data-seq": String(m.seq) },
    el(
      "div",
      { class: "bubble" },
      el("span", { class: "bubble-text", text }),
      el("time", { class: "bubble-time", datetime: m.at, title: fullTime(m.at), text: clockTime(m.at) }),
    ),
    buttons.length > 0 &&
      el(
        "div",
        { class: "reply-buttons", role: "group", "aria-label": "Reply buttons" },
        buttons.map((b) =>
          el("button", {
            type: "button",
            class: "reply-button",
            "data-id": b.id,
            text: b.title,
            onclick: (e) => tapButton(e.currentTarget, b),
          }),
        ),
      ),
  );
}

function emptyNote() {
  return el("li", { class: "empty", text: "Say hello to start a conversation with the business." });
}

// Sending

async function send(fields) {
  if (!validPhone(state.phone)) {
    setStatus("Enter a valid customer number first.", "error");
    return false;
  }
  const customer = state.customer;
  setStatus("sending…", "pending");
  try {
    await requestJSON("api/send", { method: "POST", body: { phone: state.phone, name: currentName(), ...fields } });
    if (customer === state.customer) setStatus("delivered", "ok");
    schedule(0);
    return true;
  } catch (err) {
    if (customer === state.customer) setStatus(`Not delivered: ${err.message}`, "error");
    return false;
  }
}

async function onSubmit(event) {
  event.preventDefault();
  const input = $("text");
  const text = input.value.trim();
  if (!text) return;
  if (charCount(text) > MAX_TEXT_CHARS) {
    setStatus(`Too long: WhatsApp allows ${MAX_TEXT_CHARS} characters.`, "error");
    return;
  }
  input.value = "";
  updateSend();
  if (!(await send({ text })) && !input.value) {
    input.value = text;
    updateSend();
  }
}

async function tapButton(button, choice) {
  const group = button.parentElement;
  for (const b of group.querySelectorAll("button")) b.disabled = true;
  button.classList.add("is-chosen");
  if (!(await send({ button_id: choice.id, button_title: choice.title }))) {
    for (const b of group.querySelectorAll("button")) b.disabled = false;
    button.classList.remove("is-chosen");
  }
}

function updateSend() {
  $("send").disabled = !$("text").value.trim();
}

function setStatus(text, tone) {
  const status = $("status");
  status.textContent = text;
  status.className = `sim-status${tone ? ` is-${tone}` : ""}`;
}

// Start

function main() {
  $("customer-form").addEventListener("submit", (e) => {
    e.preventDefault();
    onPhoneChange();
  });
  $("phone").addEventListener("change", onPhoneChange);
  $("name").addEventListener("input", () => {
    rememberCustomer(state.phone, currentName());
    showWho();
  });
  $("new-customer").addEventListener("click", newCustomer);
  $("composer").addEventListener("submit", onSubmit);
  $("text").addEventListener("input", updateSend);

  const known = customers();
  const stored = localStorage.getItem(saved.phone);
  const phone = stored && validPhone(stored) ? stored : DEFAULT_PHONE;
  switchCustomer(phone, phone in known ? known[phone] : SAMPLE_NAMES[0]);
  $("text").focus();
}

main();
