/**
 * Display helpers for the entity page. Client-safe and deterministic: no viewer locale or time
 * zone is involved, so the server's render is the text everyone sees.
 *
 * - A game date is a "YYYY-MM-DD" string and is shown from its digits. It never goes through
 *   `new Date(date)`, which would read it as UTC midnight and show the day before anywhere west
 *   of Greenwich.
 * - An instant is shown in UTC, with a relative time against an explicit `now` (the page's
 *   reading time), so the text does not depend on when or where it is rendered.
 */
import { dayOfWeek, instantMs, isIsoDate } from "@/lib/completeness/dates";

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;

/** "Fri 2026-11-20": the weekday computed from the date's digits, the date as written. */
export function formatGameDate(date: string): string {
  if (!isIsoDate(date)) return date;
  return `${WEEKDAYS[dayOfWeek(date)]} ${date}`;
}

/** "2026-11-26 04:10:00 UTC" (seconds dropped when zero). */
export function formatUtc(iso: string): string {
  let ms: number;
  try {
    ms = instantMs(iso);
  } catch {
    return iso;
  }
  const text = new Date(ms).toISOString();
  const seconds = text.slice(17, 19);
  return `${text.slice(0, 10)} ${text.slice(11, 16)}${seconds === "00" ? "" : `:${seconds}`} UTC`;
}

/** An ISO 8601 instant inside stored or server-written text (the engine's notes, refusal messages). */
const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})\b/g;

/** Text with each ISO instant written as the pages write instants ("2026-12-13 04:00 UTC"); game dates untouched. */
export function humanInstants(text: string): string {
  return text.replace(ISO_INSTANT, (iso) => formatUtc(iso));
}

/** "just now", "5 min ago", "3 h ago", "2 d 4 h ago", "in 6 d 13 h". */
export function relativeTime(iso: string, nowIso: string): string {
  let diff: number;
  try {
    diff = instantMs(iso) - instantMs(nowIso);
  } catch {
    return "";
  }
  const abs = Math.abs(diff);
  const minute = 60_000;
  const hour = 60 * minute;
  const day = 24 * hour;
  let text: string;
  if (abs < minute) return "just now";
  if (abs < hour) text = `${Math.floor(abs / minute)} min`;
  else if (abs < day) text = `${Math.floor(abs / hour)} h`;
  else {
    const days = Math.floor(abs / day);
    const hours = Math.floor((abs % day) / hour);
    text = days >= 10 || hours === 0 ? `${days} d` : `${days} d ${hours} h`;
  }
  return diff < 0 ? `${text} ago` : `in ${text}`;
}

/** "90%", "66.7%"; null means nothing was expected (never shown as 0%). */
export function formatPct(pct: number | null | undefined, none = "no games expected"): string {
  if (pct === null || pct === undefined) return none;
  return `${Number.isInteger(pct) ? pct : pct.toFixed(1)}%`;
}

/** snake_case vocabulary → words: "skipped_incomplete_upstream_data" → "skipped incomplete upstream data". */
export function words(value: string | null | undefined): string {
  return value ? value.replaceAll("_", " ") : "—";
}
