/**
 * One processor run (lib/engine/run-processor.ts) for 10, 450 and 4,500 entities: time and
 * number of warehouse calls. On an in-memory database holding today's simulated season's
 * upstream tables, with every player copied into 10 leagues by SQL (`lebronjames`,
 * `lebronjamesx2`, … `lebronjamesx10`: same teams and games) so that 4,500 players exist.
 * Two processors: `player_daily_cache` (own data only) and `ml_feature_store` (a cascade
 * processor: also reads upstream readiness and the schedule). The original made one breaker
 * query per entity; the count must not grow with the entities.
 */
import { addDays } from "@/lib/completeness/dates";
import { CONSOLE_DEPLOYMENT } from "@/lib/completeness/deployment";
import type { ProcessorName } from "@/lib/completeness/processors";
import { insertUpstream } from "@/lib/demo/build";
import { planDemoSeason } from "@/lib/demo/plan";
import { generateSeason } from "@/lib/demo/season";
import { runProcessor } from "@/lib/engine/run-processor";
import { createDuckDbWarehouse } from "@/lib/warehouse/duckdb";
import { applyEmbeddedSchema } from "@/lib/warehouse/schema";
import { countingWarehouse } from "@/test/support/fixtures";

import { type Timing, summarize } from "./stats";

export const ENTITY_COUNTS = [10, 450, 4_500] as const;
const LEAGUES = 10;

export interface ProcessorMeasure {
  processor: ProcessorName;
  entities: number;
  time: Timing;
  /** Warehouse calls in one run: reads (queries) and write transactions. */
  queries: number;
  transactions: number;
}

export async function measureProcessorRuns(today: string, runs: number): Promise<ProcessorMeasure[]> {
  const plan = planDemoSeason(today);
  const season = generateSeason({ seed: plan.seed, seasonStart: plan.seasonStart, seasonYear: plan.seasonYear, simulateThrough: plan.simulateThrough });
  const inner = createDuckDbWarehouse({ path: ":memory:", onOpen: applyEmbeddedSchema });
  try {
    await insertUpstream(inner, season);
    const copies = `range(2, ${LEAGUES + 1}) AS r(copy)`;
    const sfx = (c: string) => `${c} || 'x' || CAST(r.copy AS VARCHAR)`;
    await inner.execute(
      `INSERT INTO nba_analytics.player_game_summary SELECT * EXCLUDE (copy) REPLACE (${sfx("player_lookup")} AS player_lookup, ${sfx("universal_player_id")} AS universal_player_id) FROM nba_analytics.player_game_summary, ${copies}`,
    );
    await inner.execute(`INSERT INTO nba_raw.bdl_player_boxscores SELECT * EXCLUDE (copy) REPLACE (${sfx("player_lookup")} AS player_lookup) FROM nba_raw.bdl_player_boxscores, ${copies}`);

    const players = season.players.map((p) => p.player_lookup);
    const all = Array.from({ length: LEAGUES }, (_, i) => players.map((p) => (i === 0 ? p : `${p}x${i + 1}`))).flat();
    // A late date with games: the last simulated day that has a final game.
    const date = [...season.schedule].reverse().find((g) => g.game_status === 3)!.game_date;
    const { wh, counts, reset } = countingWarehouse(inner);
    const out: ProcessorMeasure[] = [];
    for (const processor of ["player_daily_cache", "ml_feature_store"] as ProcessorName[]) {
      for (const n of ENTITY_COUNTS) {
        const entities = all.slice(0, n);
        const times: number[] = [];
        let queries = 0;
        let transactions = 0;
        for (let i = 0; i < runs + 1; i++) {
          reset();
          const started = performance.now();
          await runProcessor(wh, {
            processor,
            date,
            entities,
            now: `${addDays(date, 1)}T04:00:00.000Z`,
            calendar: plan.calendar,
            runId: `bench-${processor}-${n}-${i}`,
            deployment: CONSOLE_DEPLOYMENT,
          });
          if (i > 0) times.push(performance.now() - started); // the first run warms up
          queries = counts.query;
          transactions = counts.transaction;
        }
        out.push({ processor, entities: n, time: summarize(times), queries, transactions });
      }
    }
    return out;
  } finally {
    await inner.close();
  }
}
