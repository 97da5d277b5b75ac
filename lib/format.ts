/**
 * Display formatting for the console. Client-safe, pure, deterministic (no locale or time zone
 * of the viewer or the server leaks in, so server and client render the same text and a
 * hydration never disagrees).
 *
 * Invariants:
 * - A game date is a "YYYY-MM-DD" string and is shown from its digits. It never goes through
 *   `new Date(date)`, which reads it as UTC midnight and then displays it in the viewer's zone —
 *   the day before, anywhere west of Greenwich.
 * - A timestamp is an instant and is shown in UTC ("2026-11-25 04:00 UTC"), with a relative
 *   time against an explicit `now` ("21 h ago"): callers pass the clock, so tests and server
 *   renders are reproducible.
 * - Numbers use fixed grouping and decimals (not `toLocaleString()`, whose output depends on
 *   the runtime's locale data).
 * - CSV follows RFC 4180 and defuses spreadsheet formulas.
 */
import { dayOfWeek, instantMs, isIsoDate } from "@/lib/completeness/dates";

export const EM_DASH = "—";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;

// ---------------------------------------------------------------------------------------------
// Game dates ("YYYY-MM-DD")

/** A game date as written: "2026-11-25". Anything that is not a calendar date shows as is. */
export function formatDate(date: string | null | undefined): string {
  if (!date) return EM_DASH;
  return date;
}

/** "Wed 25 Nov 2026" — the long form of a game date, for headings and stamps. */
export function formatDateLong(date: string | null | undefined): string {
  if (!date) return EM_DASH;
  if (!isIsoDate(date)) return date;
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return `${WEEKDAYS[dayOfWeek(date)]} ${d} ${MONTHS[m - 1]} ${y}`;
}

/** "Fri 2026-11-20": the weekday computed from the date's digits, then the date as written. */
export function formatDateWithWeekday(date: string): string {
  if (!isIsoDate(date)) return date;
  return `${WEEKDAYS[dayOfWeek(date)]} ${date}`;
}

/** "25 Nov" — a compact axis label for a game date. */
export function formatDateShort(date: string): string {
  if (!isIsoDate(date)) return date;
  const [, m, d] = date.split("-").map(Number) as [number, number, number];
  return `${d} ${MONTHS[m - 1]}`;
}

// ---------------------------------------------------------------------------------------------
// Timestamps (instants, shown in UTC)

function toMs(value: string | number | Date): number | null {
  try {
    return typeof value === "number" ? value : instantMs(value);
  } catch {
    return null;
  }
}

/**
 * "2026-11-25 04:00 UTC" (minutes; `seconds: true` adds them, `seconds: "unless-zero"` adds them
 * only when they are not :00). Unparseable input shows as is.
 */
export function formatUtc(
  value: string | number | Date | null | undefined,
  options: { seconds?: boolean | "unless-zero" } = {},
): string {
  if (value === null || value === undefined || value === "") return EM_DASH;
  const ms = toMs(value);
  if (ms === null) return String(value);
  const iso = new Date(ms).toISOString();
  const withSeconds = options.seconds === "unless-zero" ? iso.slice(17, 19) !== "00" : options.seconds === true;
  return `${iso.slice(0, 10)} ${iso.slice(11, withSeconds ? 19 : 16)} UTC`;
}

/** An ISO 8601 instant inside stored or server-written text (the engine's notes, refusal messages). */
const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})\b/g;

/** Text with each ISO instant written in UTC ("2026-12-13 04:00 UTC", seconds unless :00); game dates untouched. */
export function humanInstants(text: string): string {
  return text.replace(ISO_INSTANT, (iso) => formatUtc(iso, { seconds: "unless-zero" }));
}

/** "14:05 UTC" — time of day only, for "last refreshed" stamps within the day. */
export function formatUtcTime(value: string | number | Date, options: { seconds?: boolean } = {}): string {
  const ms = toMs(value);
  if (ms === null) return String(value);
  return `${new Date(ms).toISOString().slice(11, options.seconds ? 19 : 16)} UTC`;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A duration, two units at most, rounded down: "6 d 23 h", "4 h 12 min", "12 min", "< 1 min".
 * Negative durations are formatted by their magnitude.
 */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < MINUTE) return "< 1 min";
  const days = Math.floor(abs / DAY);
  const hours = Math.floor((abs % DAY) / HOUR);
  const minutes = Math.floor((abs % HOUR) / MINUTE);
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  return `${minutes} min`;
}

/**
 * Relative time of an instant against `now`, rounded down: "just now", "5 min ago", "21 h ago",
 * "3 d ago", "in 2 h". Within a minute, either way, is "just now". `detailed: true` adds a second
 * unit under ten days ("2 d 4 h ago", "in 6 d 13 h"), as the entity page writes it. Unparseable
 * input → "".
 */
export function formatRelative(
  value: string | number | Date,
  now: string | number | Date,
  options: { detailed?: boolean } = {},
): string {
  const ms = toMs(value);
  const nowMs = toMs(now);
  if (ms === null || nowMs === null) return "";
  const diff = nowMs - ms;
  const abs = Math.abs(diff);
  // Within a minute either way is "just now": clocks of server and browser differ by seconds.
  if (abs < MINUTE) return "just now";
  let text: string;
  if (abs < HOUR) text = `${Math.floor(abs / MINUTE)} min`;
  else if (abs < DAY) text = `${Math.floor(abs / HOUR)} h`;
  else {
    const days = Math.floor(abs / DAY);
    const hours = Math.floor((abs % DAY) / HOUR);
    text = options.detailed && days < 10 && hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  }
  return diff > 0 ? `${text} ago` : `in ${text}`;
}

/** "2026-11-25 04:00 UTC · 21 h ago" */
export function formatUtcWithRelative(value: string | number | Date | null | undefined, now: number | Date): string {
  if (value === null || value === undefined || value === "") return EM_DASH;
  const relative = formatRelative(value, now);
  return relative ? `${formatUtc(value)} · ${relative}` : formatUtc(value);
}

/** What is left of a cooldown: "6 d 23 h left", or "expired" once `until` has passed. */
export function formatCountdown(until: string | number | Date, now: number | Date): string {
  const ms = toMs(until);
  if (ms === null) return EM_DASH;
  const left = ms - (typeof now === "number" ? now : now.getTime());
  if (left <= 0) return "expired";
  return `${formatDuration(left)} left`;
}

// ---------------------------------------------------------------------------------------------
// Numbers

/** Integer with thin grouping: 3252 → "3,252". Null → "—". */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return EM_DASH;
  const sign = n < 0 ? "-" : "";
  const [int, frac] = Math.abs(n).toString().split(".") as [string, string | undefined];
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}${grouped}${frac ? `.${frac}` : ""}`;
}

/**
 * A percentage 0–100 with a fixed number of decimals (1 by default): 92.345 → "92.3%". Null
 * ("no games expected", no rows) → "—". Rounding is half away from zero on the decimal value
 * (so 89.95 shows "90.0%"; thresholds are compared on the unrounded value elsewhere).
 */
export function formatPct(n: number | null | undefined, decimals = 1): string {
  if (n === null || n === undefined || Number.isNaN(n)) return EM_DASH;
  const factor = 10 ** decimals;
  const rounded = Math.sign(n) * Math.round(Math.abs(n) * factor + 1e-9) / factor;
  return `${rounded.toFixed(decimals)}%`;
}

/**
 * A completeness figure as the entity pages write it: whole numbers bare, others to one decimal
 * ("90%", "66.7%"). Null means nothing was checked or expected and shows `none` (by default
 * "no games expected"), never 0% and never "—".
 */
export function formatCompletenessPct(pct: number | null | undefined, none = "no games expected"): string {
  if (pct === null || pct === undefined) return none;
  return `${Number.isInteger(pct) ? pct : pct.toFixed(1)}%`;
}

/**
 * The flag shown beside a completeness figure above 100%. The original checker wrote such values
 * routinely (season-to-date actual games over last-N expected; team games counted twice, about
 * 200%); the console reads and shows them as written, never clamped, and says where they come
 * from. The console's own checker never writes one (actual ≤ expected by construction).
 */
export const OVER_HUNDRED_NOTE = "over 100%: written by the original checker";

/** Whether a completeness figure as written is above 100% (and so needs the flag). */
export function isOverHundred(pct: number | null | undefined): boolean {
  return typeof pct === "number" && Number.isFinite(pct) && pct > 100;
}

/** A plain number with fixed decimals: 2.3333 → "2.33". */
export function formatNumber(n: number | null | undefined, decimals = 2): string {
  if (n === null || n === undefined || Number.isNaN(n)) return EM_DASH;
  return formatCount(Number(n.toFixed(decimals)));
}

/** "incomplete_upstream_data" → "incomplete upstream data"; null → "—". */
export function formatCode(code: string | null | undefined): string {
  if (!code) return EM_DASH;
  return code.replaceAll("_", " ");
}

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180), safe to open in a spreadsheet

/** Cells a spreadsheet would evaluate as a formula start with one of these (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;
/**
 * A spreadsheet may split on `;` or TAB (European Excel) as well as `,`, so each piece after a
 * separator or line break is a cell of its own: a formula character there is neutralised too.
 */
const FORMULA_AFTER_SEPARATOR = /([,;\t\r\n])([=+\-@])/g;
const NEEDS_QUOTES = /[",;\t\r\n]/;

/**
 * One CSV field. Text starting with = + - @ (or a tab / carriage return), or holding one of them
 * right after a `,` `;` TAB or line break, gets a `'` before it so a spreadsheet shows it instead
 * of evaluating it; numbers are written as numbers (a negative number is data, not a formula).
 * Fields holding a comma, semicolon, TAB, quote, CR or LF are quoted, with quotes doubled.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text: string;
  if (typeof value === "number") text = Number.isFinite(value) ? String(value) : "";
  else if (typeof value === "boolean") text = value ? "true" : "false";
  else {
    text = typeof value === "string" ? value : JSON.stringify(value);
    if (FORMULA_START.test(text)) text = `'${text}`;
    text = text.replace(FORMULA_AFTER_SEPARATOR, "$1'$2");
  }
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export interface CsvColumn<Row> {
  header: string;
  value: (row: Row) => unknown;
}

/** A CSV document: a header line, then one line per row, CRLF line breaks (as RFC 4180 defines CSV). */
export function toCsv<Row>(columns: readonly CsvColumn<Row>[], rows: readonly Row[]): string {
  const lines = [columns.map((c) => csvField(c.header)).join(",")];
  for (const row of rows) lines.push(columns.map((c) => csvField(c.value(row))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
