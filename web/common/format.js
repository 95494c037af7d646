// Formatting shared by both pages.

// charCount counts characters as the server does (Unicode code points), so an emoji counts once.
export function charCount(text) {
  return [...text].length;
}

// displayPhone shows a wa_id (digits with country code) the way people write an international number.
// A WhatsApp user ID (a customer with a username who shares no number) is shown as it is.
export function displayPhone(waID) {
  if (!waID) return "";
  return /^[A-Z]{2}\./.test(waID) ? waID : `+${waID}`;
}

// displayCustomer shows whatever identifies a customer on WhatsApp: their number when known, else their
// @username and user ID.
export function displayCustomer(conv) {
  const number = conv.wa_id || (/^[A-Z]{2}\./.test(conv.phone || "") ? "" : conv.phone);
  if (number) return `+${number}`;
  const user = conv.user_id || conv.phone || "";
  return conv.username ? `@${conv.username.replace(/^@/, "")} · ${user}` : user;
}

const timeOnly = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dateAndTime = new Intl.DateTimeFormat(undefined, {
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
});

// clockTime shows a time stamp as a time today, or with its date on another day.
export function clockTime(iso, now = new Date()) {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return "";
  return at.toDateString() === now.toDateString() ? timeOnly.format(at) : dateAndTime.format(at);
}

// fullTime is the tooltip of a time stamp.
export function fullTime(iso) {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? "" : at.toLocaleString();
}
