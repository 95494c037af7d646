// JSON over HTTP for both pages. Every failure becomes an ApiError whose message can be shown as is:
// the server's {"error": "..."} when it sent one, a plain sentence otherwise.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.name = "ApiError";
    this.status = status; // 0 when the server could not be reached
  }
}

const fallbackMessages = {
  400: "The request was not accepted.",
  401: "The agent token was not accepted.",
  403: "Not allowed.",
  404: "Not found.",
  409: "Someone else changed this conversation first.",
  413: "The message is too large.",
  422: "The message could not be sent.",
  429: "Too many requests: try again in a moment.",
};

export async function requestJSON(url, { method = "GET", token, body, signal, idempotencyKey } = {}) {
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
  if (body !== undefined) headers["Content-Type"] = "application/json";

  let res;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      signal,
    });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError(0, "Cannot reach the server. Is supportd running?");
  }

  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const serverMessage = data && typeof data.error === "string" ? data.error.trim() : "";
    const message =
      serverMessage ||
      fallbackMessages[res.status] ||
      (res.status >= 500 ? `The server failed (${res.status}). Try again.` : `Request failed (${res.status}).`);
    throw new ApiError(res.status, message);
  }
  if (text && data === null) throw new ApiError(res.status, "The server sent an answer that is not JSON.");
  return data;
}
