import type { StatusStyle } from "./status";

/** A status as glyph + word, coloured by tone (the word carries the meaning). */
export function StatusBadge({ status, label, testId }: { status: StatusStyle; label?: string; testId?: string }) {
  return (
    <span className={`badge ${status.tone}`} data-testid={testId}>
      <span aria-hidden="true">{status.glyph}</span>
      {label ?? status.word}
    </span>
  );
}
