// Formatting shared by both pages.

// charCount counts characters as the server does (Unicode code points), so an emoji counts once.
export function charCount(text) {
  return [...text].length;
}

// displayPhone shows a wa_id (digits with country code) the way people write an international number.
export function displayPhone(waID) {
  return waID ? `+${waID}` : "";
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
