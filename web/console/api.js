// The agent API, as the console uses it. Paths are relative to the page, so a console served at /agent/
// calls /api/.
import { requestJSON } from "./http.js";

const base = new URL("../api/conversations", document.baseURI).pathname;

export class AgentApi {
  constructor(token, agent) {
    this.token = token;
    this.agent = agent;
  }

  list(status) {
    const query = status ? `?status=${encodeURIComponent(status)}` : "";
    return requestJSON(base + query, { token: this.token });
  }

  get(phone) {
    return requestJSON(conversationPath(phone), { token: this.token });
  }

  takeover(phone) {
    return this.#act(phone, "takeover", {});
  }

  // reply sends one composed message; key (see newMessageKey) is the same on every retry of that message, so
  // that the gateway sends it once however many times the request reaches it.
  reply(phone, text, key) {
    return this.#act(phone, "reply", { text, source: "console" }, key);
  }

  returnToBot(phone, note = "") {
    return this.#act(phone, "return-to-bot", note ? { note } : {});
  }

  keep(phone) {
    return this.#act(phone, "keep", {});
  }

  #act(phone, action, fields, idempotencyKey) {
    return requestJSON(`${conversationPath(phone)}/${action}`, {
      method: "POST",
      token: this.token,
      body: { agent: this.agent, ...fields },
      idempotencyKey,
    });
  }
}

// newMessageKey is a random Idempotency-Key for one composed message. crypto.getRandomValues works on plain
// http too, where crypto.randomUUID does not.
export function newMessageKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function conversationPath(phone) {
  return `${base}/${encodeURIComponent(phone)}`;
}
