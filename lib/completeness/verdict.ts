/**
 * "Safe to override now": the one verdict the entity page, the Active list, the bulk override's
 * "only recovered", the About-to-trip list, the CLI and the API all show. Pure and client-safe.
 *
 * A key is safe to override when, at the reading instant:
 *   1. its breaker is active (an override of any other key changes nothing), AND
 *   2. its own windows are complete enough (the processor's threshold, every window), AND
 *   3. for a cascade processor, every upstream processor it depends on is production ready
 *      for that entity and date.
 * Bootstrap never makes data ready: a key in bootstrap with incomplete data is not safe.
 * When not safe, the verdict names the part that is missing: the games still missing from its
 * windows, or the upstream processors it waits for.
 */
import { z } from "zod";

import type { BreakerStatus } from "./breaker";

/** What the key's data holds now: ready, own games missing, or upstream processors not ready. */
export const VERDICT_DATA = ["ready", "missing_data", "waiting_upstream"] as const;
export type VerdictData = (typeof VERDICT_DATA)[number];

export const keyVerdictSchema = z.object({
  /** The breaker is active and its data is ready: an override lets the next run succeed. */
  safe: z.boolean(),
  data: z.enum(VERDICT_DATA),
  /** Games missing now across the key's windows, each counted once. */
  missing_games: z.number().int().min(0),
  /** Cascade processors: the upstream processors not ready for the entity and date. */
  waiting_for: z.array(z.string()),
  /** The verdict in words ("Safe to override", "3 games still missing", "waiting for upstream: …"). */
  text: z.string(),
});
export type KeyVerdict = z.infer<typeof keyVerdictSchema>;

export interface VerdictInput {
  /** The breaker's status at the reading instant (deriveBreakerState). */
  status: BreakerStatus;
  /** Own windows at or above the threshold (or nothing expected). */
  ownReady: boolean;
  /** Every upstream processor ready (true for processors without dependencies). */
  cascadeReady: boolean;
  /** The upstream processors not ready, in registry order. */
  notReady: readonly string[];
  /** Games missing now across the windows, each once. */
  missingGames: number;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The data part alone: own windows first (the processor's own data is the first thing to fix), then upstreams. */
export function dataVerdict(input: Pick<VerdictInput, "ownReady" | "cascadeReady">): VerdictData {
  if (!input.ownReady) return "missing_data";
  if (!input.cascadeReady) return "waiting_upstream";
  return "ready";
}

/** The verdict of one key. */
export function keyVerdict(input: VerdictInput): KeyVerdict {
  const data = dataVerdict(input);
  const safe = input.status === "active" && data === "ready";
  const waiting = data === "waiting_upstream" ? [...input.notReady] : [];
  let text: string;
  if (data === "missing_data") {
    // Below the threshold with every expected game present cannot happen (completeness is
    // present ÷ expected); said plainly rather than "0 games still missing" if it ever does.
    text = input.missingGames > 0 ? `${plural(input.missingGames, "game")} still missing` : "data below the threshold";
  } else if (data === "waiting_upstream") {
    text = `waiting for upstream: ${waiting.join(", ")}`;
  } else if (input.status === "active") {
    text = "Safe to override";
  } else {
    text = "data ready: passes on its next run";
  }
  return { safe, data, missing_games: input.missingGames, waiting_for: waiting, text };
}

/** Sort order of verdicts: safe first, then waiting on upstreams, then the fewest games missing. */
export function verdictRank(v: KeyVerdict | null): number {
  if (!v) return 1e9;
  if (v.safe) return 0;
  if (v.data === "ready") return 1;
  if (v.data === "waiting_upstream") return 2;
  return 3 + v.missing_games;
}
