import type { KeyVerdict } from "@/lib/completeness/verdict";

import type { StatusStyle } from "@/components/ui/status";

const SAFE: StatusStyle = { tone: "ok", glyph: "✓", word: "Safe to override" };
const READY: StatusStyle = { tone: "ok", glyph: "✓", word: "Data ready" };
const MISSING: StatusStyle = { tone: "bad", glyph: "✕", word: "Missing data" };
const WAITING: StatusStyle = { tone: "warn", glyph: "…", word: "Waiting for upstream" };
const UNKNOWN: StatusStyle = { tone: "muted", glyph: "?", word: "Not checked" };

/**
 * A key's verdict as glyph + words: safe to override now, or precisely what is missing (games
 * still missing, the upstream processors it waits for). Null: the live recheck could not be made.
 * Plain toned text, not a pill: the words name processors and must wrap inside the table.
 */
export function VerdictBadge({ verdict }: { verdict: KeyVerdict | null }) {
  const style = !verdict ? UNKNOWN : verdict.safe ? SAFE : verdict.data === "ready" ? READY : verdict.data === "waiting_upstream" ? WAITING : MISSING;
  const label = !verdict ? UNKNOWN.word : verdict.safe ? SAFE.word : verdict.text.charAt(0).toUpperCase() + verdict.text.slice(1);
  const testId = !verdict ? "verdict-unknown" : verdict.safe ? "verdict-safe" : `verdict-${verdict.data}`;
  return (
    <span className={`tone-${style.tone}`} data-testid={testId}>
      <span aria-hidden="true">{style.glyph} </span>
      <strong>{label}</strong>
    </span>
  );
}
