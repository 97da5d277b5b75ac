/** The About-to-trip rows as the page and its client table receive them (client-safe). */
import type { IsoDate } from "@/lib/completeness/dates";
import type { KeyVerdict } from "@/lib/completeness/verdict";

export interface AboutToTripRow {
  processor: string;
  entity_id: string;
  analysis_date: IsoDate;
  /** Failed attempts in a row since the last success, override or reset. */
  consecutive_failures: number;
  last_attempt_at: string | null;
  last_completeness_pct: number | null;
  last_skip_reason: string | null;
  /** The one verdict; for these keys its data part says whether the next run passes. Null: not checked. */
  verdict: KeyVerdict | null;
}
