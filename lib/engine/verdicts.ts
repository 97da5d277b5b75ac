import "server-only";

import type { BreakerRowInput } from "@/lib/completeness/breaker";
import type { SeasonCalendar } from "@/lib/completeness/calendar";
import type { Deployment } from "@/lib/completeness/deployment";
import { type KeyVerdict, type VerdictInput, dataVerdict, keyVerdict } from "@/lib/completeness/verdict";
import type { Warehouse } from "@/lib/warehouse/types";

import type { BreakerKeyRef } from "@/lib/breakers/changes";
import { keyString } from "./breaker-writes";
import { type EntityOutcome, evaluateProcessorRun } from "./run-processor";
import { pooled } from "./pooled";

/**
 * "Safe to override now" for many keys at once: the engine's own evaluation (the live recheck:
 * what the processor would decide if it ran now, writing nothing), ONE evaluation per
 * (processor, analysis date) group of keys — never one query per key — and the verdict rule
 * (lib/completeness/verdict.ts) applied to each outcome. The entity page applies the same rule
 * to the same evaluation of its one key, so the two cannot disagree.
 */

/** Evaluations run at once: the warehouse's pool is shared with page reads. */
const CONCURRENCY = 3;

/** Games missing now across an outcome's windows, each game once (the entity page lists the same set). */
export function missingGameCount(outcome: Pick<EntityOutcome, "windows">): number {
  const ids = new Set<string>();
  for (const w of outcome.windows) for (const g of w.missingGames) ids.add(g.game_id);
  return ids.size;
}

/** What the verdict rule reads of one evaluated key (its breaker state is the one the evaluation derived at its `now`). */
export function verdictInputOf(outcome: Pick<EntityOutcome, "windows" | "own" | "cascade" | "breaker">): VerdictInput {
  return {
    status: outcome.breaker.status,
    ownReady: outcome.own.ready,
    cascadeReady: outcome.cascade.ready,
    notReady: outcome.cascade.notReady,
    missingGames: missingGameCount(outcome),
  };
}

/** The verdict of one evaluated key. */
export function verdictOfOutcome(outcome: Pick<EntityOutcome, "windows" | "own" | "cascade" | "breaker">): KeyVerdict {
  return keyVerdict(verdictInputOf(outcome));
}

/** The key's data is ready now (own windows and upstreams), whatever its breaker: the live recheck's "recovered". */
export function dataReady(outcome: Pick<EntityOutcome, "own" | "cascade">): boolean {
  return dataVerdict({ ownReady: outcome.own.ready, cascadeReady: outcome.cascade.ready }) === "ready";
}

export interface VerdictOptions {
  now: string;
  deployment: Deployment;
  calendar?: SeasonCalendar;
  /** Every row of the keys, when the caller has just read them (keyString → rows): not read again. */
  rows?: ReadonlyMap<string, readonly BreakerRowInput[]>;
}

export interface KeyVerdicts {
  /** keyString → the key's verdict at `now`. */
  verdicts: Map<string, KeyVerdict>;
  /** keyString → what the verdict was decided from (callers that keep the data part across reads). */
  inputs: Map<string, VerdictInput>;
  /** Evaluations made: one per (processor, analysis date) among the keys. */
  evaluations: number;
}

/** The verdict of every key, at `now`, in one evaluation per (processor, analysis date). */
export async function evaluateVerdicts(wh: Warehouse, keys: readonly BreakerKeyRef[], opts: VerdictOptions): Promise<KeyVerdicts> {
  const groups = new Map<string, BreakerKeyRef[]>();
  const seen = new Set<string>();
  for (const k of keys) {
    const id = keyString(k);
    if (seen.has(id)) continue;
    seen.add(id);
    const g = `${k.processor}|${k.analysis_date}`;
    const list = groups.get(g);
    if (list) list.push(k);
    else groups.set(g, [k]);
  }
  const runs = await pooled([...groups.values()], CONCURRENCY, (members) => {
    const { processor, analysis_date } = members[0]!;
    const rows = opts.rows;
    return evaluateProcessorRun(wh, {
      processor,
      date: analysis_date,
      entities: members.map((m) => m.entity_id),
      ...(rows ? { breakerRows: new Map(members.map((m) => [m.entity_id, [...(rows.get(keyString(m)) ?? [])]])) } : {}),
      now: opts.now,
      observedAt: opts.now,
      deployment: opts.deployment,
      calendar: opts.calendar,
    });
  });
  const verdicts = new Map<string, KeyVerdict>();
  const inputs = new Map<string, VerdictInput>();
  for (const run of runs) {
    for (const o of run.outcomes) {
      const id = keyString({ processor: run.processor, entity_id: o.entity, analysis_date: run.date });
      const input = verdictInputOf(o);
      inputs.set(id, input);
      verdicts.set(id, keyVerdict(input));
    }
  }
  return { verdicts, inputs, evaluations: runs.length };
}
