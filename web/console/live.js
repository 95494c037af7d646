// The console's live updates: the gateway's event stream at ../api/events (server-sent events). It is read
// with fetch rather than EventSource so that the agent token goes in the Authorization header as on every
// other request, never in a URL that proxies and access logs keep.
//
// The stream carries hints, not history: after every (re)connection the console reads the list once
// ("ready", "resync"), then applies each "conversation" event as it comes. A stream that does not say
// "ready" soon, or falls silent for three heartbeats (a proxy buffering it, a dead connection), is dropped
// and tried again later; after repeated failures the console polls slowly meanwhile (see app.js).
const url = new URL("../api/events", document.baseURI).pathname;

const READY_MS = 10000; // from connecting to "ready"
const SILENCE_MS = 45000; // the gateway sends a heartbeat every 15 s
const MAX_DELAY_MS = 60000;

export class LiveStream {
  // handlers: onEvent(name, data), onState("connecting" | "live" | "down", failures), onUnauthorized().
  constructor(token, handlers) {
    this.token = token;
    this.handlers = handlers;
    this.stopped = false;
    this.failures = 0;
    this.retryMs = 3000;
    this.abort = null;
    this.wake = null;
  }

  start() {
    this.#loop();
  }

  stop() {
    this.stopped = true;
    this.abort?.abort();
    this.wake?.();
  }

  // reconnect skips the wait before the next attempt (the page became visible, the network came back).
  reconnect() {
    this.wake?.();
  }

  async #loop() {
    while (!this.stopped) {
      this.handlers.onState("connecting", this.failures);
      const wasLive = await this.#connect();
      if (this.stopped) return;
      this.failures = wasLive ? 1 : this.failures + 1;
      this.handlers.onState("down", this.failures);
      const base = Math.min(this.retryMs * 2 ** (this.failures - 1), MAX_DELAY_MS);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, base * (0.75 + Math.random() / 2));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  // connect reads one stream until it ends and says whether it was ever live.
  async #connect() {
    const abort = new AbortController();
    this.abort = abort;
    let live = false;
    let watchdog = 0;
    const arm = (ms) => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => abort.abort(), ms);
    };
    arm(READY_MS);
    try {
      const res = await fetch(url, {
        headers: { Accept: "text/event-stream", Authorization: `Bearer ${this.token}` },
        cache: "no-store",
        signal: abort.signal,
      });
      if (res.status === 401) {
        this.stopped = true;
        this.handlers.onUnauthorized();
        return false;
      }
      if (!res.ok || !res.body || !(res.headers.get("Content-Type") || "").startsWith("text/event-stream")) {
        return false;
      }
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done || this.stopped) return live;
        if (live) arm(SILENCE_MS);
        buffer += value.replaceAll("\r\n", "\n");
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const { name, data, retry } = parseEvent(block);
          if (retry > 0) this.retryMs = retry;
          if (!name) continue;
          if (name === "ready" && !live) {
            live = true;
            this.failures = 0;
            arm(SILENCE_MS);
            this.handlers.onState("live", 0);
          }
          this.handlers.onEvent(name, data);
        }
      }
    } catch {
      return live;
    } finally {
      clearTimeout(watchdog);
      abort.abort();
    }
  }
}

// parseEvent reads one block of the event-stream format; comment lines (heartbeats) give no name.
export function parseEvent(block) {
  let name = "";
  const data = [];
  let retry = 0;
  for (const line of block.split("\n")) {
    if (!line || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") name = value;
    else if (field === "data") data.push(value);
    else if (field === "retry" && /^\d+$/.test(value)) retry = Number(value);
  }
  if (!name && data.length) name = "message";
  return { name, data: data.join("\n"), retry };
}
