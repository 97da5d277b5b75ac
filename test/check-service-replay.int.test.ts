/**
 * A whole simulated night replayed through the check service's HTTP routes writes exactly the
 * rows the in-process engine writes for that night.
 *
 * One short console-profile season is built twice, on two in-memory databases, by the same
 * `buildDemoDatabase`: A with the in-process engine for every run; B with it for every night but
 * the last, and for the last night's runs (every processor, and the orchestrator's retries of
 * failed and cooled-down keys) a runner that does what a Python processor switched to the
 * service does — `POST /api/v1/checks` with its pipeline token, writes its output rows (the
 * check's completeness columns merged into its own key columns), then
 * `POST /api/v1/checks/{run_id}/outcomes` (processed where the check said process, skipped
 * otherwise). The route handlers are called in-process with real Requests, at the run's instant,
 * on database B. Then that night's reprocess_attempts rows (every column but created_at) and
 * every output table's rows must be the same multisets in A and B.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { POST as postCheck } from "@/app/api/v1/checks/route";
import { POST as postOutcomes } from "@/app/api/v1/checks/[runId]/outcomes/route";
import { configEntry, generateToken, hashToken } from "@/lib/auth/token-format";
import { type CheckResult, type CheckedEntity, checkResult, outcomesResult } from "@/lib/checks/schemas";
import { addDays } from "@/lib/completeness/dates";
import { PROCESSORS, type ProcessorDef, getProcessor } from "@/lib/completeness/processors";
import { parseTeamGameKey } from "@/lib/completeness/windows";
import { type RunRecord, buildDemoDatabase } from "@/lib/demo/build";
import { DEMO_FORMAT, writeDemoMetadata } from "@/lib/demo/metadata";
import { shortDemoPlan } from "@/lib/demo/plan";
import { type RunOptions, outputColumns, runProcessor } from "@/lib/engine/run-processor";
import { gamesOnDate } from "@/lib/queries/completeness";
import type { Warehouse } from "@/lib/warehouse/types";
import { memoryWarehouse } from "@/test/support/fixtures";

/** Built after the last night's runs (04:00–04:30 UTC) and before the operators' morning. */
const BUILT_AT = "2026-12-07T06:00:00.000Z";
const DAYS = 40;
const plan = shortDemoPlan(BUILT_AT, { days: DAYS, profile: "console" });
/** The last simulated night: its runs start at 04:00 UTC the day after. */
const LAST_NIGHT = plan.simulateThrough;
const NIGHT_STARTS = `${addDays(LAST_NIGHT, 1)}T04:00:00.000Z`;
const ATTEMPTS = "nba_orchestration.reprocess_attempts";

const TOKEN = generateToken();
const ORIGIN = "http://console.test";

// The route side's configuration, set before it is first read: a pipeline token, every
// processor read by the console's engine, and the season's calendar in the demo metadata the
// console reads it from (beside this file's own EMBEDDED_DB_PATH, never opened: the routes get
// database B from the warehouse holder).
process.env.API_TOKENS = configEntry({ name: "nightly", role: "pipeline", sha256: hashToken(TOKEN) });
process.env.BREAKER_READERS = "console";
const holder = globalThis as typeof globalThis & { __completenessWarehouse?: Warehouse };

let a: Warehouse;
let b: Warehouse;
const apiRuns: { processor: string; date: string; runId: string; entities: number }[] = [];

function post(path: string, body: unknown): Request {
  return new Request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(body),
  });
}

/** One run at a time: each sets the clock to its own instant (the build runs a stage's processors together). */
let queue: Promise<unknown> = Promise.resolve();
function serialized<T>(task: () => Promise<T>): Promise<T> {
  const next = queue.then(task);
  queue = next.catch(() => undefined);
  return next;
}

/**
 * The output row a processor writes for a checked entity: its own key columns (entity, date,
 * when written; the upcoming player game context also records the player's team and opponent)
 * with the check's completeness columns merged in unchanged. Skipped entities get a row too,
 * saying why, as the console's processors write them.
 */
function outputRowOf(def: ProcessorDef, e: CheckedEntity, opts: RunOptions, check: CheckResult, opponents: Map<string, string> | null): Record<string, unknown> {
  const keys: Record<string, unknown> =
    def.entityKind === "team_game" ? { team_abbr: parseTeamGameKey(e.entity_id)!.team } : { [def.entityColumn]: e.entity_id };
  if (def.name === "player_composite_factors") keys.analysis_date = opts.date;
  if (opponents) {
    const team = opts.teams?.[e.entity_id] ?? e.team;
    keys.team_abbr = team;
    keys.opponent_team_abbr = team ? (opponents.get(team) ?? null) : null;
  }
  keys[def.dateColumn] = opts.date;
  for (const c of def.writtenAt) keys[c] = check.checked_at;
  return { ...keys, ...e.columns };
}

/** A processor run through the check service, reported back in the shape the build's retry queue reads. */
function viaApi(wh: Warehouse, opts: RunOptions): Promise<RunRecord> {
  return serialized(async () => {
    const def = getProcessor(opts.processor);
    if (opts.entities.length === 0) return { processor: def.name, date: opts.date, reads: 0, outcomes: [] };
    const runId = opts.runId!;
    vi.setSystemTime(new Date(opts.now));

    const checked = await postCheck(
      post("/api/v1/checks", { processor: def.name, analysis_date: opts.date, run_id: runId, entities: opts.entities, ...(opts.teams ? { teams: opts.teams } : {}) }),
    );
    const checkBody = (await checked.json()) as unknown;
    expect(checked.status, JSON.stringify(checkBody).slice(0, 400)).toBe(200);
    const check = checkResult.parse(checkBody);
    expect(check.entities.map((e) => e.entity_id)).toEqual([...opts.entities]);

    // The processor's work: its output rows.
    let opponents: Map<string, string> | null = null;
    if (def.name === "upcoming_player_game_context") {
      opponents = new Map();
      for (const g of await gamesOnDate.run(wh, { game_date: opts.date })) {
        opponents.set(g.home_team_tricode, g.away_team_tricode);
        opponents.set(g.away_team_tricode, g.home_team_tricode);
      }
    }
    await wh.transaction([{ insert: def.table, columns: outputColumns(def), rows: check.entities.map((e) => outputRowOf(def, e, opts, check, opponents)) }]);

    const reported = await postOutcomes(
      post(`/api/v1/checks/${runId}/outcomes`, {
        processor: def.name,
        analysis_date: opts.date,
        outcomes: check.entities.map((e) => ({ entity_id: e.entity_id, outcome: e.decision === "process" ? "processed" : "skipped" })),
      }),
      { params: Promise.resolve({ runId }) },
    );
    const reportBody = (await reported.json()) as unknown;
    expect(reported.status, JSON.stringify(reportBody).slice(0, 400)).toBe(201);
    const report = outcomesResult.parse(reportBody);
    apiRuns.push({ processor: def.name, date: opts.date, runId, entities: opts.entities.length });

    const written = new Map(report.results.map((r) => [r.entity_id, r.written]));
    return {
      processor: def.name,
      date: opts.date,
      reads: 0,
      outcomes: check.entities.map((e) => {
        const row = written.get(e.entity_id) ?? null;
        return {
          entity: e.entity_id,
          // A failed attempt is what the orchestrator retries the next night.
          decision: { countsAsFailure: row !== null && (row.event_type === "failure" || row.event_type === "trip") },
          attempt: row,
        };
      }),
    };
  });
}

beforeAll(async () => {
  writeDemoMetadata(process.env.EMBEDDED_DB_PATH!, { format: DEMO_FORMAT, plan, builtAt: BUILT_AT, buildSeconds: 0, summary: {} });
  a = memoryWarehouse();
  b = memoryWarehouse();
  holder.__completenessWarehouse = b;
  await buildDemoDatabase(a, plan, () => {}, { now: BUILT_AT });
  vi.useFakeTimers({ toFake: ["Date"] });
  try {
    await buildDemoDatabase(b, plan, () => {}, {
      now: BUILT_AT,
      runner: (wh, opts) => (opts.now >= NIGHT_STARTS ? viaApi(wh, opts) : runProcessor(wh, opts)),
    });
  } finally {
    vi.useRealTimers();
  }
}, 600_000);

afterAll(async () => {
  delete holder.__completenessWarehouse;
  await a?.close();
  await b?.close();
});

/** Rows as comparable strings (keys sorted), sorted: equal lists are equal multisets. */
async function rowsOf(wh: Warehouse, sql: string): Promise<string[]> {
  const rows = await wh.query<Record<string, unknown>>(sql);
  return rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).sort(([x], [y]) => x.localeCompare(y))))).sort();
}

/** What one side holds that the other does not, counting repeats. */
function minus(left: string[], right: string[]): string[] {
  const counts = new Map<string, number>();
  for (const r of right) counts.set(r, (counts.get(r) ?? 0) + 1);
  return left.filter((r) => {
    const n = counts.get(r) ?? 0;
    if (n === 0) return true;
    counts.set(r, n - 1);
    return false;
  });
}

function expectSameRows(what: string, inProcess: string[], viaService: string[]) {
  const onlyInProcess = minus(inProcess, viaService);
  const onlyViaService = minus(viaService, inProcess);
  expect({ what, onlyInProcess: onlyInProcess.slice(0, 5), onlyViaService: onlyViaService.slice(0, 5) }).toEqual({ what, onlyInProcess: [], onlyViaService: [] });
  expect(viaService).toHaveLength(inProcess.length);
}

describe("the last night, replayed through the check service's routes", () => {
  const nightAttempts = `SELECT * EXCLUDE (created_at) FROM ${ATTEMPTS} WHERE attempted_at >= TIMESTAMPTZ '${NIGHT_STARTS}'`;

  it("went through the routes for every processor, with retries of earlier dates", () => {
    expect(new Set(apiRuns.map((r) => r.processor))).toEqual(new Set(PROCESSORS.map((p) => p.name)));
    expect(apiRuns.filter((r) => r.date === LAST_NIGHT).length).toBe(PROCESSORS.length);
    expect(apiRuns.some((r) => r.date < LAST_NIGHT && r.runId.endsWith("-retry"))).toBe(true);
  });

  it("appends exactly the attempt rows the in-process engine appends (every column but created_at)", async () => {
    // The night did real work: failures, trips and retries of earlier dates among the rows compared.
    const events = await a.query<{ event_type: string; retry: boolean; n: number }>(
      `SELECT event_type, batch_id LIKE '%-retry' AS retry, COUNT(*)::INT AS n FROM (${nightAttempts}) GROUP BY ALL ORDER BY ALL`,
    );
    console.info(`[replay] attempt rows of the night of ${LAST_NIGHT}:`, events);
    const count = (event: string) => events.filter((e) => e.event_type === event).reduce((s, e) => s + e.n, 0);
    expect(count("failure")).toBeGreaterThan(0);
    expect(count("trip")).toBeGreaterThan(0);
    expect(events.filter((e) => e.retry).reduce((s, e) => s + e.n, 0)).toBeGreaterThan(0);

    expectSameRows(ATTEMPTS, await rowsOf(a, nightAttempts), await rowsOf(b, nightAttempts));
  });

  it("writes exactly the output rows the in-process engine writes, in every output table", async () => {
    for (const def of PROCESSORS) {
      const night = `SELECT * FROM ${def.table} WHERE ${def.writtenAt[0]} >= TIMESTAMPTZ '${NIGHT_STARTS}'`;
      const inProcess = await rowsOf(a, night);
      const viaService = await rowsOf(b, night);
      expect(inProcess.length, def.table).toBeGreaterThan(0);
      expectSameRows(def.table, inProcess, viaService);
    }
  });

  it("leaves the two databases equal in every row of those tables, earlier nights included", async () => {
    for (const table of [ATTEMPTS, ...PROCESSORS.map((p) => p.table)]) {
      const all = `SELECT * ${table === ATTEMPTS ? "EXCLUDE (created_at)" : ""} FROM ${table}`;
      expectSameRows(table, await rowsOf(a, all), await rowsOf(b, all));
    }
  });
});
