import "server-only";

import { cache } from "react";

import { type Actor, requireRole } from "@/lib/auth/session";
import { type IsoDate, addDays } from "@/lib/completeness/dates";
import { type OverrideWeek, overrideWeeks, weeksBetween } from "@/lib/completeness/override-trends";
import { resolveProcessorName } from "@/lib/completeness/processors";
import type { BreakerKeyRef } from "@/lib/breakers/changes";
import { readKeyOutcomes } from "@/lib/engine/override-outcomes";
import { overrideTrendKeys } from "@/lib/queries/override-trends";
import { getWarehouse } from "@/lib/warehouse";
import type { Warehouse } from "@/lib/warehouse/types";

import { defaultNow } from "./monitoring";

/**
 * How far before the span the keys' analysis dates are read: a key trips on its third failure,
 * and the orchestrator retries a key whose cooldown ended, so its trips and overrides come days
 * or weeks after its date. A trip of a key dated further back is not counted.
 */
export const TREND_LOOKBACK_DAYS = 60;

export interface OverrideTrends {
  /** The Mondays of the weeks shown, ascending. */
  weeks: IsoDate[];
  /** One row per processor with a trip or an override in the weeks, and per week (see overrideWeeks). */
  rows: OverrideWeek[];
  /** The instant outcomes and "later overridden" were judged at. */
  now: string;
}

export interface OverrideTrendsOptions {
  actor?: Actor | null;
  now?: string;
  warehouse?: Warehouse;
}

/**
 * Overrides per processor and ISO week over the weeks holding `from` … `to` (viewer): a fixed
 * number of queries whatever the span — the keys with a trip or an override in it (one), their
 * rows (one) and when their outputs were last written as processed (one per processor).
 */
export const getOverrideTrends = cache(async (from: IsoDate, to: IsoDate, options: OverrideTrendsOptions = {}): Promise<OverrideTrends> => {
  await requireRole("viewer", options.actor);
  const wh = options.warehouse ?? getWarehouse();
  const now = options.now ?? defaultNow();
  const weeks = weeksBetween(from, to);
  const end = addDays(weeks.at(-1)!, 7);
  const found = await overrideTrendKeys.run(wh, {
    date_from: addDays(weeks[0]!, -TREND_LOOKBACK_DAYS),
    date_to: end,
    from_at: `${weeks[0]}T00:00:00.000Z`,
    to_at: `${end}T00:00:00.000Z`,
  });
  const keys = found.flatMap((r): BreakerKeyRef[] => {
    const processor = resolveProcessorName(r.processor);
    return processor ? [{ processor, entity_id: r.entity_id, analysis_date: r.analysis_date }] : [];
  });
  const histories = await readKeyOutcomes(wh, keys, now);
  return {
    weeks,
    rows: overrideWeeks(
      histories.map((h) => ({ processor: h.key.processor, rows: h.rows, outcomes: h.outcomes })),
      from,
      to,
    ),
    now,
  };
});
