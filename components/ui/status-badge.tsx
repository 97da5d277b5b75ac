import { type StatusStyle, type Tone, TONE_GLYPH } from "./status";

type BadgeProps = (
  | { /** A named status: its glyph, tone and word (the word unless `label` says more). */ status: StatusStyle; label?: string; tone?: never }
  | { /** A tone with its own words: the glyph is the tone's (TONE_GLYPH). */ tone: Tone; label: string; status?: never }
) & { title?: string; testId?: string };

/**
 * The console's one status badge: a glyph and a word, coloured by tone. The word carries the
 * meaning (status is never told by colour alone); the glyph is decorative and hidden from screen
 * readers.
 */
export function StatusBadge(props: BadgeProps) {
  const tone = props.status ? props.status.tone : props.tone;
  const glyph = props.status ? props.status.glyph : TONE_GLYPH[props.tone];
  return (
    <span className={`badge ${tone}`} title={props.title} data-testid={props.testId}>
      {/* The space keeps the badge's text "✕ Active" when it is copied or read as text (the gap is CSS). */}
      <span aria-hidden="true">{glyph} </span>
      {props.label ?? props.status?.word}
    </span>
  );
}
