import styles from "./entity.module.css";

export type Tone = "ok" | "warn" | "bad" | "neutral";

const GLYPHS: Record<Tone, string> = { ok: "✓", warn: "!", bad: "✕", neutral: "•" };

/**
 * A status told by a word and a glyph, coloured by tone: never by colour alone. The glyph is
 * decorative (hidden from screen readers); the label carries the meaning.
 */
export function StatusBadge({ tone, label, title }: { tone: Tone; label: string; title?: string }) {
  const toneClass = tone === "neutral" ? styles.neutral : tone;
  return (
    <span className={`badge ${toneClass} ${styles.badge}`} title={title}>
      <span aria-hidden="true">{GLYPHS[tone]}</span>
      {label}
    </span>
  );
}

/** Yes/no with a word; `null` (not recorded) is shown as such, not as "no". */
export function YesNo({ value, yes = "Yes", no = "No", good = true }: { value: boolean | null; yes?: string; no?: string; good?: boolean }) {
  if (value === null) return <span className={styles.muted}>not recorded</span>;
  const tone: Tone = value === good ? "ok" : "bad";
  return <StatusBadge tone={tone} label={value ? yes : no} />;
}
