import "server-only";

import { cache } from "react";

import { type Actor, requireRole } from "@/lib/auth/session";
import { TRIP_AFTER, isAboutToTrip } from "@/lib/completeness/breaker";
import { addDays, toIsoInstant } from "@/lib/completeness/dates";
import { resolveProcessorName } from "@/lib/completeness/processors";
import type { BreakerKeyRef } from "@/lib/breakers/changes";
import { keyString, readKeys } from "@/lib/engine/breaker-writes";
import { evaluateVerdicts } from "@/lib/engine/verdicts";
import { failingKeys } from "@/lib/queries/breakers";
import { getWarehouse } from "@/lib/warehouse";

import { getSeasonCalendar } from "./calendar";
import type { AboutToTripRow } from "@/lib/breakers/about-to-trip";
import { getDeployment } from "./deployment";
import { defaultNow } from "./monitoring";

/**
 * "About to trip": the keys failing but not tripped whose next failed attempt trips them
 * (deriveBreakerState's `failing` with TRIP_AFTER − 1 consecutive failures), each with the same
 * verdict the Active list shows — for these keys its data part says whether the next run passes
 * (the data has arrived) or fails again and trips.
 *
 * Reads, constant in the number of keys: the candidates (sql/breakers/failing_keys.sql), every
 * row of them (key_rows.sql), and one engine evaluation per (processor, analysis date) of the
 * keys kept.
 */

export type { AboutToTripRow };

/** Analysis dates read: a key is retried up to 21 days after its date; a month back covers it. */
export const ABOUT_TO_TRIP_DAYS = 30;

export interface AboutToTripRead {
  now: string;
  rows: AboutToTripRow[];
}

/** The keys about to trip at `now` (default: the monitoring reads' current instant). Viewer or above. */
export async function getAboutToTrip(params: { now?: string } = {}, actor?: Actor | null): Promise<AboutToTripRead> {
  await requireRole("viewer", actor);
  return readAboutToTrip(params.now === undefined ? defaultNow() : toIsoInstant(params.now));
}

const readAboutToTrip = cache(async (now: string): Promise<AboutToTripRead> => {
  const wh = getWarehouse();
  const today = now.slice(0, 10);
  const candidates = await failingKeys.run(wh, {
    date_from: addDays(today, -ABOUT_TO_TRIP_DAYS),
    date_to: addDays(today, 7),
    now,
    min_failures: TRIP_AFTER - 1,
  });
  const keys = [
    ...new Map(
      candidates.flatMap((c): [string, BreakerKeyRef][] => {
        const processor = resolveProcessorName(c.processor_name);
        if (!processor) return [];
        const key = { processor, entity_id: c.entity_id, analysis_date: c.analysis_date };
        return [[keyString(key), key]];
      }),
    ).values(),
  ];
  if (keys.length === 0) return { now, rows: [] };
  const snapshot = await readKeys(wh, keys, now);
  const about = snapshot.keys.filter((k) => isAboutToTrip(k.state));
  if (about.length === 0) return { now, rows: [] };
  const { verdicts } = await evaluateVerdicts(
    wh,
    about.map((k) => k.key),
    { now, deployment: getDeployment(), calendar: getSeasonCalendar(), rows: new Map(about.map((k) => [keyString(k.key), k.rows])) },
  );
  const rows = about.map(
    (k): AboutToTripRow => ({
      processor: k.key.processor,
      entity_id: k.key.entity_id,
      analysis_date: k.key.analysis_date,
      consecutive_failures: k.state.consecutiveFailures,
      last_attempt_at: k.state.lastAttemptAt,
      last_completeness_pct: k.state.lastCompletenessPct,
      last_skip_reason: k.state.lastSkipReason,
      verdict: verdicts.get(keyString(k.key)) ?? null,
    }),
  );
  // Soonest to trip first: the oldest last attempt is the next the orchestrator retries.
  rows.sort((a, b) => ((a.last_attempt_at ?? "") < (b.last_attempt_at ?? "") ? -1 : (a.last_attempt_at ?? "") > (b.last_attempt_at ?? "") ? 1 : keyString(a as BreakerKeyRef) < keyString(b as BreakerKeyRef) ? -1 : 1));
  return { now, rows };
});
