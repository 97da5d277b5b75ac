/**
 * The incidents data layer on a small world built by hand, against answers worked out by hand:
 * four teams playing every day, the defense box scores of one date lost (an outage) and later
 * backfilled, the defense zones of all four teams failing on it, and one key that failed with
 * nothing missing. Also: the role check, and reuse while the data is unchanged.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("next/headers", async () => (await import("@/test/support/session")).mockNextHeaders("viewer"));

import { addDays } from "@/lib/completeness/dates";
import { readIncident, readIncidents } from "@/lib/data/incidents";
import { clearIncidentCache } from "@/lib/engine/incidents";
import type { Warehouse } from "@/lib/warehouse/types";
import { attemptRow, insertAttempts, insertSchedule, insertTdgs, memoryWarehouse, roundRobin, tdgsRow } from "@/test/support/fixtures";
import { keepSignOutsInMemory } from "@/test/support/session";

const TEAMS = ["AAA", "BBB", "CCC", "DDD"];
const DATES = Array.from({ length: 10 }, (_, i) => addDays("2024-12-01", i));
const OUTAGE = DATES[7]!; // 2024-12-08: both games lost
const KEY_DATE = DATES[8]!; // the defense zones of 2024-12-09 fail on it
const SCHEDULE = roundRobin(TEAMS, DATES);
const NOW = "2024-12-12T12:00:00.000Z";
const BACKFILL_AT = "2024-12-12T15:00:00.000Z";
const LATER = "2024-12-12T18:00:00.000Z";

const holder = globalThis as typeof globalThis & { __completenessWarehouse?: Warehouse };
let wh: Warehouse;

beforeAll(async () => {
  keepSignOutsInMemory();
  wh = memoryWarehouse();
  holder.__completenessWarehouse = wh;
  await insertSchedule(wh, SCHEDULE);
  await insertTdgs(
    wh,
    SCHEDULE.filter((g) => g.game_date !== OUTAGE).flatMap((g) => [tdgsRow(g, g.home_team_tricode), tdgsRow(g, g.away_team_tricode)]),
  );
  // Each team: 8 games before 2024-12-09, one lost → 87.5% < 90: failed twice, tripped on the third night.
  const rows = TEAMS.flatMap((team) =>
    [1, 2, 3].map((n) =>
      attemptRow({
        processor_name: "team_defense_zone_analysis",
        entity_id: team,
        analysis_date: KEY_DATE,
        attempt_number: n,
        attempted_at: `${addDays(KEY_DATE, n)}T04:00:00.000Z`,
        completeness_pct: 87.5,
        circuit_breaker_tripped: n === 3,
        circuit_breaker_until: n === 3 ? `${addDays(KEY_DATE, 10)}T04:00:00.000Z` : null,
        event_type: n === 3 ? "trip" : "failure",
      }),
    ),
  );
  // AAA on 2024-12-03: its two games before were there; it failed anyway (nothing missing).
  rows.push(attemptRow({ processor_name: "team_defense_zone_analysis", entity_id: "AAA", analysis_date: DATES[2]!, attempt_number: 1, attempted_at: "2024-12-04T04:00:00.000Z", event_type: "failure" }));
  await insertAttempts(wh, rows);
  // created_at is the insert's wall clock: a pipeline inserts its attempt as it makes it.
  await wh.execute("UPDATE nba_orchestration.reprocess_attempts SET created_at = attempted_at WHERE TRUE");
  clearIncidentCache();
});

afterAll(async () => {
  delete holder.__completenessWarehouse;
  await wh.close();
});

describe("readIncidents", () => {
  it("refuses a caller who is not signed in", async () => {
    await expect(readIncidents({ now: NOW }, null)).rejects.toMatchObject({ status: 401 });
    await expect(readIncident("x", { now: NOW }, null)).rejects.toMatchObject({ status: 401 });
  });

  it("groups the four keys that missed the lost date into one outage incident, and the key that missed nothing apart", async () => {
    const { incidents, unexplained } = await readIncidents({ now: NOW });
    expect(unexplained).toBe(0);
    expect(incidents.map((i) => [i.kind, i.keys, i.open_keys, i.recovered_keys, i.status])).toEqual([
      ["upstream_gap", 4, 4, 0, "open"],
      // Still failing (no success since), and nothing is missing: its data is complete now.
      ["nothing_missing", 1, 1, 1, "open"],
    ]);
    const [outage] = incidents;
    expect(outage).toMatchObject({
      upstream_table: "nba_analytics.team_defense_game_summary",
      missing_dates: [OUTAGE],
      teams: TEAMS,
      processors: ["team_defense_zone_analysis"],
      entities: 4,
      dates: [KEY_DATE],
      opened_at: "2024-12-10T04:00:00.000Z",
      cause: "team_defense_game_summary missing for 2 games, Dec 8, 4 teams",
      trips_by_day: [{ day: "2024-12-12", trips: 4 }],
    });
    expect(outage!.id).toMatch(/^tdgs-2024-12-08-[0-9a-f]{6}$/);
    expect(incidents[1]!.id).toBe("nothing-missing");
  });

  it("lists an incident's keys with their state and what is still missing", async () => {
    const { incidents } = await readIncidents({ now: NOW });
    const detail = await readIncident(incidents[0]!.id, { now: NOW });
    expect(detail!.keys_list.map((k) => [k.entity_id, k.state, k.recovered, k.failed_at, k.tripped_at])).toEqual(
      TEAMS.map((t) => [t, "active", false, "2024-12-10T04:00:00.000Z", "2024-12-12T04:00:00.000Z"]),
    );
    expect(detail!.keys_list[0]!.still_missing).toBe(`nba_analytics.team_defense_game_summary: 1 game (${OUTAGE})`);
    expect(await readIncident("no-such-incident", { now: NOW })).toBeNull();
  });

  it("sees the backfill: the same incident (the cause when they failed), its keys' data now complete", async () => {
    const before = await readIncidents({ now: NOW });
    await insertTdgs(wh, SCHEDULE.filter((g) => g.game_date === OUTAGE).flatMap((g) => [tdgsRow(g, g.home_team_tricode, BACKFILL_AT), tdgsRow(g, g.away_team_tricode, BACKFILL_AT)]));
    const after = await readIncidents({ now: LATER });
    expect(after.incidents.map((i) => i.id)).toEqual(before.incidents.map((i) => i.id));
    expect(after.incidents[0]).toMatchObject({ keys: 4, recovered_keys: 4, missing_dates: [OUTAGE] });
  });
});
