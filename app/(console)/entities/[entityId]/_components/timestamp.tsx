import { formatDateWithWeekday, formatRelative, formatUtc } from "@/lib/format";
import styles from "./entity.module.css";

/** An instant in UTC with its distance from the page's reading time: "2026-11-26 04:10 UTC (10 h ago)". */
export function Timestamp({ iso, now }: { iso: string | null; now: string }) {
  if (!iso) return <span className={styles.muted}>—</span>;
  const relative = formatRelative(iso, now, { detailed: true });
  return (
    <span>
      <time dateTime={iso} className={styles.nowrap}>{formatUtc(iso, { seconds: "unless-zero" })}</time>
      {relative ? <span className={`${styles.muted} ${styles.nowrap}`}> ({relative})</span> : null}
    </span>
  );
}

/** A game date exactly as stored (a YYYY-MM-DD string, never shifted by a time zone). */
export function GameDate({ date }: { date: string }) {
  return (
    <time dateTime={date} className={styles.nowrap}>
      {formatDateWithWeekday(date)}
    </time>
  );
}
