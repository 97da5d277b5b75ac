/**
 * A small season with active breakers, relative to today, for the tests that run the built
 * console and the CLI (cli/cli.int.test.ts, docs/docs.int.test.ts).
 *
 * A season opened 50 days ago (registered in the database's calendar, the `.demo.json` beside
 * it, as the demo does), LAL/BOS/GSW/MIA every second day. player_shot_zone_analysis (L10 games)
 * ran for D (day 46, 4 days ago) and D_PREV (day 44) three times in the last three days:
 * - jaysontatum played every game: ready;
 * - lebronjames misses d17 and d18: the box scores arrived 12 hours ago (after the trip), so
 *   his breakers are active and an override is safe;
 * - stephencurry misses d15 and d16 for good: active breakers, an override is not safe.
 * So four breakers are active: both players on both dates. team_defense_zone_analysis ran once
 * for D (all four teams ready), so team ids have output too.
 */
import { CONSOLE_DEPLOYMENT } from "@/lib/completeness/deployment";
import { writeFileSync } from "node:fs";

import { seasonYearOf } from "@/lib/completeness/calendar";
import { addDays } from "@/lib/completeness/dates";
import { runProcessor } from "@/lib/engine/run-processor";
import type { Warehouse } from "@/lib/warehouse/types";

import { type Fate, type RosterPlayer, boxScores, everyNDays, insertUpstream, roundRobin } from "./fixtures";

const HOUR = 3_600_000;

export interface BreakerDataset {
  now: number;
  today: string;
  opening: string;
  D: string;
  D_PREV: string;
  calendar: Record<number, string>;
  processor: "player_shot_zone_analysis";
  /** The date of LAL's game `d` (day index from opening night) and its opponent. */
  gameDate(d: number): string;
  opponent(d: number): string;
  seed(wh: Warehouse): Promise<void>;
  /** Registers the season calendar beside the database file, as the demo's metadata does. */
  writeCalendar(dbPath: string): void;
}

export function breakerDataset(now = Date.now()): BreakerDataset {
  const at = (hoursAgo: number) => new Date(now - hoursAgo * HOUR).toISOString();
  const today = new Date(now).toISOString().slice(0, 10);
  const opening = addDays(today, -50);
  const D = addDays(opening, 46);
  const D_PREV = addDays(opening, 44);
  const calendar = { [seasonYearOf(D)]: opening };
  const days = everyNDays(opening, 30);
  const lalId = (d: number) => `00224${String(2 * d + 1).padStart(5, "0")}`;
  const schedule = roundRobin(["LAL", "BOS", "GSW", "MIA"], days).map((g) => (g.game_date < D ? g : { ...g, game_status: 1 as const }));
  const fates = (kind: Fate, ...ds: number[]): Record<string, Fate> => Object.fromEntries(ds.map((d) => [lalId(d), kind]));
  const roster: RosterPlayer[] = [
    { player: "jaysontatum", stints: [{ team: "LAL" }] },
    { player: "lebronjames", stints: [{ team: "LAL" }], fates: fates({ kind: "late", processedAt: at(12) }, 17, 18) },
    { player: "stephencurry", stints: [{ team: "LAL" }], fates: fates({ kind: "lost" }, 15, 16) },
  ];
  const processor = "player_shot_zone_analysis" as const;
  return {
    now,
    today,
    opening,
    D,
    D_PREV,
    calendar,
    processor,
    gameDate: (d) => days[d]!,
    opponent: (d) => ["MIA", "BOS", "GSW"][d % 3]!,
    async seed(wh) {
      await insertUpstream(wh, { schedule, ...boxScores(schedule, roster) });
      for (const date of [D_PREV, D]) {
        for (const hoursAgo of [72, 48, 24]) {
          await runProcessor(wh, {
            deployment: CONSOLE_DEPLOYMENT,
            processor,
            date,
            entities: roster.map((p) => p.player),
            now: at(hoursAgo),
            calendar,
            runId: `seed-${date}-${hoursAgo}`,
          });
        }
      }
      // One team processor run, so team ids (LAL) have output too; every team box score is there.
      await runProcessor(wh, { deployment: CONSOLE_DEPLOYMENT, processor: "team_defense_zone_analysis", date: D, entities: ["LAL", "BOS", "GSW", "MIA"], now: at(24), calendar, runId: "seed-teams" });
    },
    writeCalendar(dbPath) {
      writeFileSync(`${dbPath}.demo.json`, JSON.stringify({ plan: { calendar, simulateThrough: addDays(today, -1) } }));
    },
  };
}
