import { OVER_HUNDRED_NOTE, isOverHundred } from "@/lib/format";

/**
 * Beside a completeness figure: nothing, or — when the figure is above 100% — the note that the
 * original checker wrote it (values are shown as written, never clamped). Client-safe.
 */
export function OverHundredFlag({ pct }: { pct: number | null | undefined }) {
  if (!isOverHundred(pct)) return null;
  return (
    <>
      {" "}
      <span className="small muted" data-testid="over-hundred" title={OVER_HUNDRED_NOTE}>
        ({OVER_HUNDRED_NOTE})
      </span>
    </>
  );
}
