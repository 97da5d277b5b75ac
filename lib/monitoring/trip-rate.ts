/**
 * The trip rate's public shape (client-safe: zod only): per processor, the share of the keys it
 * evaluated over the last TRIP_RATE_DAYS dates that tripped a circuit breaker, and the level
 * above which it is alerted on (the overview marks it, and the Alertmanager rule
 * `CompletenessTripRateHigh` fires on `completeness_console_trip_rate` above it as a ratio).
 */
import { z } from "zod";

/** The dates counted: the 30 ending at the data-as-of date. */
export const TRIP_RATE_DAYS = 30;
/** Alert when more than this share of a processor's keys tripped, in percent. */
export const TRIP_RATE_ALERT_PCT = 5;

export const tripRateRow = z.object({
  processor: z.string(),
  keys_attempted: z.number().int().min(0),
  keys_tripped: z.number().int().min(0),
  /** keys_tripped / keys_attempted × 100, two decimals; null when the processor evaluated no key. */
  trip_rate_pct: z.number().min(0).max(100).nullable(),
});
export type TripRateRow = z.infer<typeof tripRateRow>;

/** Above the alert level (strictly: 5.00% is not alerted). */
export function tripRateAlerted(pct: number | null): boolean {
  return pct !== null && pct > TRIP_RATE_ALERT_PCT;
}
