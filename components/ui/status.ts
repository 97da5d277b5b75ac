/**
 * Every status the console shows, as a word, a glyph and a tone. The tone picks a colour, but
 * the word and the glyph always carry the meaning (status is never told by colour alone).
 * Client-safe: imports only pure constants and types.
 */
import { BREAKER_COOLDOWN_DAYS, type BreakerEventType } from "@/lib/completeness/breaker";
import type { READINESS_STATUSES } from "@/lib/monitoring/schemas";

export type Tone = "ok" | "warn" | "bad" | "info" | "muted";

/** The glyph of a badge told by its tone alone (a badge whose words are its own, not a named status). */
export const TONE_GLYPH: Record<Tone, string> = { ok: "✓", warn: "!", bad: "✕", info: "ℹ", muted: "•" };

export interface StatusStyle {
  word: string;
  glyph: string;
  tone: Tone;
}

export type ReadinessStatus = (typeof READINESS_STATUSES)[number] | "no-data";

export const READINESS_STYLE: Record<ReadinessStatus, StatusStyle & { rank: number }> = {
  "no-data": { word: "No data", glyph: "○", tone: "muted", rank: 0 },
  critical: { word: "Critical", glyph: "✕", tone: "bad", rank: 1 },
  warning: { word: "Warning", glyph: "▲", tone: "warn", rank: 2 },
  good: { word: "Good", glyph: "✓", tone: "ok", rank: 3 },
  excellent: { word: "Excellent", glyph: "✓", tone: "ok", rank: 4 },
};

export type BreakerEvent = BreakerEventType;

export const EVENT_STYLE: Record<BreakerEvent, StatusStyle & { description: string }> = {
  failure: { word: "Failure", glyph: "✕", tone: "warn", description: "an attempt skipped for incomplete data" },
  trip: { word: "Trip", glyph: "⊘", tone: "bad", description: `the breaker tripped: the key is skipped for ${BREAKER_COOLDOWN_DAYS} days` },
  override: { word: "Override", glyph: "↷", tone: "info", description: "an operator un-tripped the key" },
  reset: { word: "Reset", glyph: "⟲", tone: "info", description: "an admin deleted the key's attempts" },
  recovery: { word: "Recovery", glyph: "⤴", tone: "ok", description: "the attempt after the cooldown succeeded" },
  success: { word: "Success", glyph: "✓", tone: "ok", description: "processed" },
};

/**
 * Events that are attempts of the processor (it ran, or meant to run, and counted it). An
 * override or a reset is an operator's row: its stored attempt number is bookkeeping for the
 * breaker readers (an override takes the highest number, a reset 0), not a run, so it is never
 * shown as "attempt #n".
 */
const ATTEMPT_EVENTS: ReadonlySet<BreakerEvent> = new Set(["failure", "trip", "success", "recovery"]);

/** The line naming an event: "attempt #3" for a processor's attempt; nothing for an operator's row. */
export function attemptLabel(event: BreakerEvent, attemptNumber: number): string | null {
  return ATTEMPT_EVENTS.has(event) ? `attempt #${attemptNumber}` : null;
}

/** Every breaker event in display order: EVENT_STYLE's key order (the Record makes the list exhaustive). */
export const BREAKER_EVENT_ORDER = Object.keys(EVENT_STYLE) as BreakerEvent[];

export type AlertLevelName = "critical" | "warning" | "info";

export const ALERT_STYLE: Record<AlertLevelName | "clear", StatusStyle> = {
  critical: { word: "Critical", glyph: "✕", tone: "bad" },
  warning: { word: "Warning", glyph: "▲", tone: "warn" },
  info: { word: "Info", glyph: "ℹ", tone: "info" },
  clear: { word: "All clear", glyph: "✓", tone: "ok" },
};
