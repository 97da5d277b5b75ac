import "server-only";

import { type Actor, requireRole } from "@/lib/auth/session";
import type { LatestOutcome } from "@/lib/breakers/outcomes";
import { resolveProcessorName } from "@/lib/completeness/processors";
import type { BreakerKeyRef } from "@/lib/breakers/changes";
import { keyString } from "@/lib/engine/breaker-writes";
import { readOverrideOutcomes } from "@/lib/engine/override-outcomes";
import { getWarehouse } from "@/lib/warehouse";
import type { Warehouse } from "@/lib/warehouse/types";

/**
 * The latest override of each key among `keys` and what it led to at `now` (viewer), for the
 * keys ever overridden (the others are left out). Keys name their processor by any known name;
 * unknown names are left out. A fixed number of queries whatever the number of keys.
 */
export async function getLatestOverrideOutcomes(
  keys: readonly { processor: string; entity_id: string; analysis_date: string }[],
  now: string,
  options: { actor?: Actor | null; warehouse?: Warehouse } = {},
): Promise<LatestOutcome[]> {
  await requireRole("viewer", options.actor);
  const refs = new Map<string, BreakerKeyRef>();
  for (const k of keys) {
    const processor = resolveProcessorName(k.processor);
    if (!processor) continue;
    const ref = { processor, entity_id: k.entity_id, analysis_date: k.analysis_date };
    refs.set(keyString(ref), ref);
  }
  const outcomes = await readOverrideOutcomes(options.warehouse ?? getWarehouse(), [...refs.values()], now);
  return [...refs].flatMap(([id, ref]) => {
    const latest = outcomes.get(id)?.at(-1);
    return latest
      ? [{ ...ref, outcome: latest.outcome, at: latest.at, actor: latest.actor, decided_at: latest.decided_at }]
      : [];
  });
}
