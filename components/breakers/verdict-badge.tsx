import type { KeyVerdict } from "@/lib/completeness/verdict";

import { StatusBadge } from "@/components/ui/status-badge";
import type { StatusStyle } from "@/components/ui/status";

const SAFE: StatusStyle = { tone: "ok", glyph: "✓", word: "Safe to override" };
const READY: StatusStyle = { tone: "ok", glyph: "✓", word: "Data ready" };
const MISSING: StatusStyle = { tone: "bad", glyph: "✕", word: "Missing data" };
const WAITING: StatusStyle = { tone: "warn", glyph: "…", word: "Waiting for upstream" };
const UNKNOWN: StatusStyle = { tone: "muted", glyph: "?", word: "Not checked" };

/**
 * A key's verdict as glyph + words: safe to override now, or precisely what is missing (games
 * still missing, the upstream processors it waits for). Null: the live recheck could not be made.
 */
export function VerdictBadge({ verdict }: { verdict: KeyVerdict | null }) {
  if (!verdict) return <StatusBadge status={UNKNOWN} testId="verdict-unknown" />;
  const style = verdict.safe ? SAFE : verdict.data === "ready" ? READY : verdict.data === "waiting_upstream" ? WAITING : MISSING;
  const label = verdict.safe ? SAFE.word : verdict.text.charAt(0).toUpperCase() + verdict.text.slice(1);
  return <StatusBadge status={style} label={label} testId={verdict.safe ? "verdict-safe" : `verdict-${verdict.data}`} />;
}
