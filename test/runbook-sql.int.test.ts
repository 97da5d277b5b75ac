/**
 * The runbook's SQL on the warehouse it is run against in production: tables shaped exactly like
 * the original pipeline's, written the way the Python processors write them (event_type NULL,
 * NBA.com schedule ids beside YYYYMMDD_AWAY_HOME box-score ids, stale and doubled schedule rows,
 * values rounded to one decimal) — and on the console's own tables. Every block runs, answers
 * rows and passes the offline BigQuery validator (test/docs.int.test.ts also runs them on the
 * demo data through the built console); the outage, arrival and threshold queries are checked
 * against answers computed from the fixture's facts.
 */
import { readFileSync } from "node:fs";

import { validate } from "@polyglot-sql/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { ParamType, ParamValue, Warehouse } from "@/lib/warehouse/types";
import { breakerDataset } from "@/test/support/breaker-dataset";
import { memoryWarehouse } from "@/test/support/fixtures";
import { ATTEMPTS, GAMES, LAST_OUTPUT, SHAPES, type Shape, shapedWarehouse, writeDataset, writtenName } from "@/test/support/original-fixtures";

const RUNBOOK = readFileSync(new URL("../docs/runbook.md", import.meta.url), "utf8");

/** The ```sql blocks of the runbook (indented ones too: list items). */
const BLOCKS: string[] = [...RUNBOOK.matchAll(/^([ \t]*)```sql\n([\s\S]*?)^\1```/gm)].map((m) =>
  m[2]!
    .split("\n")
    .map((line) => line.slice(m[1]!.length))
    .join("\n"),
);

const block = (needle: string) => {
  const found = BLOCKS.filter((b) => b.includes(needle));
  expect(found, needle).toHaveLength(1);
  return found[0]!;
};

const VALUES: Record<string, { value: ParamValue; type: ParamType }> = {
  date_from: { value: "2025-01-08", type: "DATE" },
  date_to: { value: LAST_OUTPUT, type: "DATE" },
  as_of: { value: LAST_OUTPUT, type: "DATE" },
  since: { value: "2025-01-15T00:00:00.000Z", type: "TIMESTAMP" },
  team: { value: "LAL", type: "STRING" },
};

function run(wh: Warehouse, sql: string, values = VALUES) {
  const names = [...new Set([...sql.matchAll(/@([a-z_]+)/g)].map((m) => m[1]!))];
  for (const name of names) expect(values[name], `unknown parameter @${name}`).toBeDefined();
  return wh.query<Record<string, unknown>>(sql, {
    params: Object.fromEntries(names.map((n) => [n, values[n]!.value])),
    types: Object.fromEntries(names.map((n) => [n, values[n]!.type])),
  });
}

it("finds the runbook's SQL blocks", () => {
  expect(BLOCKS.length).toBeGreaterThanOrEqual(6);
});

describe.each(SHAPES)("the runbook's SQL on the %s-shaped warehouse", (shape: Shape) => {
  let wh: Warehouse;
  beforeAll(async () => {
    wh = shapedWarehouse(shape);
    await writeDataset(wh, shape);
  });
  afterAll(async () => {
    await wh.close();
  });

  it("every block runs, answers rows and is valid BigQuery", async () => {
    for (const sql of BLOCKS) {
      const rows = await run(wh, sql);
      expect(rows.length, sql).toBeGreaterThan(0);
      expect(validate(sql, "bigquery").errors.filter((e) => e.severity === "error"), sql).toEqual([]);
    }
  });

  it("the outage query counts the pipeline's failures and trips, told apart by their flags", async () => {
    const rows = await run(wh, block("failed_attempts"));
    // the reference: rows with a skip reason other than the operators' (all failures or trips
    // here), attempted since @since, dated in the window
    const expected = new Map<string, number>();
    for (const a of ATTEMPTS) {
      if (a.date < "2025-01-08" || a.date > LAST_OUTPUT || Date.parse(a.at) < Date.parse("2025-01-15T00:00:00.000Z")) continue;
      const k = `${writtenName(shape, a.processor)}|${a.skipReason}`;
      expected.set(k, (expected.get(k) ?? 0) + 1);
    }
    const got = new Map(rows.map((r) => [`${r.processor_name as string}|${r.skip_reason as string}`, r.failed_attempts as number]));
    expect(got).toEqual(expected);
    expect([...got.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it("the arrival check counts each final game once (stale and doubled schedule rows) and matches box scores by date", async () => {
    const rows = await run(wh, block("players_written"));
    for (const r of rows) {
      const date = r.game_date as string;
      const finals = GAMES.filter((g) => g.date === date && g.status === 3).length;
      expect(r.final_games, date).toBe(finals);
    }
    // by hand: 2025-01-10 has a stale scheduled row beside each of its two final games
    expect(rows.find((r) => r.game_date === "2025-01-10")!.final_games).toBe(2);
    expect(rows.find((r) => r.game_date === "2025-01-10")!.players_written).toBeGreaterThan(0);
  });

  it("the threshold query compares unrounded values: 90.0 stored from 269 / 299 does not pass at 90", async () => {
    const [row] = await run(wh, block("pass_90"));
    // output rows of PSZA on the date: lebronjames 100, jaysontatum 105, tradedguy 89.97 (stored 90.0)
    expect(row).toEqual({ entities: 3, pass_95: 2, pass_90: 2, pass_85: 3, pass_80: 3 });
  });
});

describe("the runbook's SQL on the console's engine-written data (the docs test's dataset and values)", () => {
  let wh: Warehouse;
  const data = breakerDataset();
  beforeAll(async () => {
    wh = memoryWarehouse();
    await data.seed(wh);
  });
  afterAll(async () => {
    await wh.close();
  });

  it("every block answers rows", async () => {
    const values: Record<string, { value: ParamValue; type: ParamType }> = {
      date_from: { value: data.D_PREV, type: "DATE" },
      date_to: { value: data.D, type: "DATE" },
      as_of: { value: data.D, type: "DATE" },
      since: { value: new Date(data.now - 4 * 86_400_000).toISOString(), type: "TIMESTAMP" },
      team: { value: "LAL", type: "STRING" },
    };
    for (const sql of BLOCKS) expect((await run(wh, sql, values)).length, sql).toBeGreaterThan(0);
  });
});
