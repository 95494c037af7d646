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

  reply(phone, text) {
    return this.#act(phone, "reply", { text, source: "console" });
  }

  returnToBot(phone, note = "") {
    return this.#act(phone, "return-to-bot", note ? { note } : {});
  }

  keep(phone) {
    return this.#act(phone, "keep", {});
  }

  #act(phone, action, fields) {
    return requestJSON(`${conversationPath(phone)}/${action}`, {
      method: "POST",
      token: this.token,
      body: { agent: this.agent, ...fields },
    });
  }
}

function conversationPath(phone) {
  return `${base}/${encodeURIComponent(phone)}`;
}
