/**
 * BigQuery cost of the overview, measured where the warehouse is called:
 *
 * - 50 simultaneous overview loads (what app/(console)/page.tsx asks the data layer for:
 *   the data-as-of stamp, the alerts, the processors panel's health + readiness + trends, and the
 *   warehouse status line) make ONE warehouse query per monitoring read — counted on a counting
 *   adapter over the embedded database, and as jobs received by the BigQuery REST fake through
 *   the real BigQuery adapter;
 * - every job the adapter sends carries `maximumBytesBilled`, a job timeout and the labels
 *   `{ app, query }`, and reads the configured datasets;
 * - each monitoring query's partition window (its DATE bounds, as sent) is the documented one,
 *   so the bytes an overview load scans do not grow with the tables' history.
 *
 * The partition filters themselves are checked in the SQL text (lib/queries/monitoring-partitions.test.ts).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("next/headers", async () => (await import("@/test/support/session")).mockNextHeaders("viewer"));

import { type IsoDate, addDays } from "@/lib/completeness/dates";
import { getProcessor } from "@/lib/completeness/processors";
import { outputColumns } from "@/lib/engine/run-processor";
import { MONITORING_QUERY_NAMES } from "@/lib/monitoring/schemas";
import { createBigQueryWarehouse } from "@/lib/warehouse/bigquery";
import { splitSql } from "@/lib/warehouse/sql-text";
import type { QueryOptions, Warehouse } from "@/lib/warehouse/types";
import { BigQueryFake, type RecordedRequest, jobLabel, queryBody } from "@/test/support/bigquery-fake";
import { memoryWarehouse } from "@/test/support/fixtures";
import { ANSWER_AS_OF, answerState, isPing, monitoringResponder } from "@/test/support/monitoring-answers";
import { keepSignOutsInMemory } from "@/test/support/session";

import { getWarehouseHealth } from "./health";
import { clearMonitoringCache, getAlerts, getDataAsOf, getMonitoring } from "./monitoring";

const holder = globalThis as typeof globalThis & { __completenessWarehouse?: Warehouse };
// These tests count and break the monitoring reads: sign-out checks stay out of that warehouse.
keepSignOutsInMemory();

/** One overview load: exactly what the overview page's server components call, all at once. */
async function overviewLoad(): Promise<void> {
  const params = {};
  await Promise.all([
    getDataAsOf(), // <DataAsOf> in the header
    getAlerts(params), // <Alerts>
    getMonitoring("health", params), // <Processors>
    getMonitoring("readiness", params),
    getMonitoring("trends", params),
    getWarehouseHealth(), // <Warehouse>
  ]);
}

const LOADS = 50;
/** The monitoring reads one overview load makes (health is shared by the alerts and the processors panel). */
const OVERVIEW_READS = ["data_as_of", "health", "readiness", "trends"];

beforeEach(() => {
  clearMonitoringCache();
  // A fixed instant mid-minute: the default `now` (rounded down to the 60 s TTL) is the same for
  // every load, as it is for everyone opening the page within one TTL slot.
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date("2025-01-16T12:00:30.000Z"));
});

afterEach(() => {
  vi.useRealTimers();
  delete holder.__completenessWarehouse;
});

describe("50 simultaneous overview loads, counting adapter over the embedded database", () => {
  let inner: Warehouse;
  const calls: { label: string; sql: string }[] = [];

  /** The embedded warehouse, recording every query's label and slow enough that the loads overlap. */
  const recording: Warehouse = {
    kind: "embedded",
    query: async (sql: string, options?: QueryOptions) => {
      calls.push({ label: options?.label ?? "?", sql });
      await new Promise((resolve) => setTimeout(resolve, 20));
      return inner.query(sql, options);
    },
    execute: (sql, o) => inner.execute(sql, o),
    transaction: (s, o) => inner.transaction(s, o),
    insert: (t, c, r) => inner.insert(t, c, r),
    close: async () => {},
  };

  beforeAll(async () => {
    inner = memoryWarehouse();
    const def = getProcessor("team_defense_zone_analysis");
    await inner.insert(
      def.table,
      outputColumns(def),
      ["ATL", "BOS", "LAL"].map((team) => ({
        team_abbr: team,
        analysis_date: ANSWER_AS_OF,
        processed_at: "2025-01-16T04:00:00.000Z",
        completeness_percentage: 100,
        is_production_ready: true,
        backfill_bootstrap_mode: false,
        processing_decision_reason: "processed_successfully",
      })),
    );
  });

  afterAll(() => inner.close());

  it("make one warehouse query per monitoring read; the status line's ping reads no table", async () => {
    holder.__completenessWarehouse = recording;
    calls.length = 0;
    await Promise.all(Array.from({ length: LOADS }, () => overviewLoad()));

    const pings = calls.filter((c) => c.sql.trim() === "SELECT 1 AS ok");
    const reads = calls.filter((c) => !pings.includes(c));
    expect(reads.map((c) => c.label).sort()).toEqual([...OVERVIEW_READS].sort());
    // The status line is a live round trip per load by design (lib/data/health.ts); it names no
    // table, so BigQuery bills it 0 bytes. At most one per load.
    expect(pings.length).toBeLessThanOrEqual(LOADS);

    // A second wave within the TTL reads nothing more.
    calls.length = 0;
    await Promise.all(Array.from({ length: LOADS }, () => overviewLoad()));
    expect(calls.filter((c) => c.sql.trim() !== "SELECT 1 AS ok")).toEqual([]);
  });
});

describe("through the BigQuery adapter, counted at the REST fake", () => {
  const fake = new BigQueryFake();
  const state = answerState();
  const MAX_BYTES = 250 * 1024 ** 2;
  const TIMEOUT_MS = 20_000;
  const DATASETS = {
    nba_raw: "prod_raw",
    nba_analytics: "prod_analytics",
    nba_precompute: "prod_precompute",
    nba_predictions: "prod_predictions",
    nba_orchestration: "prod_orchestration",
  };

  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    Object.assign(state, answerState(), { delayMs: 25 });
    fake.respond(monitoringResponder(state));
    holder.__completenessWarehouse = createBigQueryWarehouse(
      fake.warehouseOptions({ projectId: "cost-project", location: "EU", maximumBytesBilled: MAX_BYTES, timeoutMs: TIMEOUT_MS, datasets: DATASETS }),
    );
  });

  /** Every job carries the cost and safety fields, reads only configured datasets, and has its own requestId. */
  function expectSafeJobs(jobs: RecordedRequest[]): void {
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) {
      const body = queryBody(job);
      expect(body.maximumBytesBilled, jobLabel(job)).toBe(String(MAX_BYTES));
      expect(body.jobTimeoutMs).toBe(String(TIMEOUT_MS));
      expect(body.labels).toEqual({ app: "completeness-console", query: expect.stringMatching(/^[a-z0-9_-]{1,63}$/) });
      expect(body.location).toBe("EU");
      // In code (string literals keep the old dataset-prefixed processor aliases, comments name tables).
      const code = splitSql(body.query!).filter((s) => s.kind === "code").map((s) => s.text).join(" ");
      expect(code).not.toMatch(/\bnba_(raw|analytics|precompute|predictions|orchestration)\./);
    }
    expect(new Set(jobs.map((j) => queryBody(j).requestId)).size).toBe(jobs.length);
  }

  it("50 simultaneous overview loads send one job per monitoring read, each with maximumBytesBilled and labels", async () => {
    await Promise.all(Array.from({ length: LOADS }, () => overviewLoad()));

    const jobs = fake.queryCalls();
    const reads = jobs.filter((j) => !isPing(j));
    expect(reads.map((j) => jobLabel(j)).sort()).toEqual([...OVERVIEW_READS].sort());
    expect(jobs.filter(isPing).length).toBeLessThanOrEqual(LOADS);
    expectSafeJobs(jobs);
    // The monitoring reads name their definition; the output tables are read from the configured datasets.
    expect(queryBody(reads.find((j) => jobLabel(j) === "readiness")!).query).toContain("prod_precompute.team_defense_zone_analysis");
  });

  it("every monitoring query's job carries the limits and its own label, and bounds the partitions it reads", async () => {
    const P = { as_of: ANSWER_AS_OF, now: "2025-01-16T12:00:00.000Z" };
    for (const name of MONITORING_QUERY_NAMES) await getMonitoring(name, P);
    await getDataAsOf();

    const jobs = fake.queryCalls();
    expectSafeJobs(jobs);
    const byLabel = new Map(jobs.map((j) => [jobLabel(j)!, j]));
    expect([...byLabel.keys()].sort()).toEqual(
      ["active_breakers", "below_threshold", "bootstrap", "breaker_history", "data_as_of", "health", "multi_window", "patterns", "readiness", "trends"],
    );

    /** The dates each DATE-bounded window covers, inclusive, from the parameters as sent. */
    const windows = (job: RecordedRequest) => {
      const params = new Map(
        (queryBody(job).queryParameters as { name: string; parameterValue: { value: string } }[]).map((p) => [p.name, p.parameterValue.value]),
      );
      const days = (from: string, to: string) => Math.round((Date.parse(params.get(to)!) - Date.parse(params.get(from)!)) / 86_400_000) + 1;
      return {
        outputs: params.has("date_from") ? days("date_from", "date_to") : undefined,
        ...(params.has("breaker_date_from") ? { breakers: days("breaker_date_from", "breaker_date_to") } : {}),
      };
    };
    const got = Object.fromEntries([...byLabel].map(([label, job]) => [label, windows(job)]));
    expect(got).toEqual({
      health: { outputs: 7, breakers: 400 + 7 + 1 }, // 7 dates evaluated; keys active at now: dated up to 400 days before now's date, 7 after
      readiness: { outputs: 1 },
      trends: { outputs: 30 },
      below_threshold: { outputs: 1 },
      multi_window: { outputs: 1 },
      active_breakers: { outputs: 400 + 7 + 1 }, // as health's breaker keys
      breaker_history: { outputs: 30 + 60 + 7 + 1 }, // attempts of 30 days, keys dated up to 60 days before, 7 after
      patterns: { outputs: 7 + 60 + 7 + 1 },
      bootstrap: { outputs: expect.any(Number) }, // the season so far: checked below
      data_as_of: { outputs: 401 }, // the 400 days ending at now's date
    });
    // The season of as_of, never more than a year.
    const bootstrapDays = got.bootstrap!.outputs!;
    expect(bootstrapDays).toBeGreaterThan(0);
    expect(bootstrapDays).toBeLessThanOrEqual(366);
    expect(addDays(ANSWER_AS_OF, -(bootstrapDays - 1)) <= ANSWER_AS_OF).toBe(true);
  });

  it("the data-as-of stamp reads every partition only when the last 400 days hold no output", async () => {
    // First lookup finds nothing: the fallback reads from 2000-01-01.
    let lookups = 0;
    fake.respond((request) => {
      if (jobLabel(request) === "data_as_of" && lookups++ === 0) {
        return { body: { kind: "bigquery#queryResponse", jobComplete: true, schema: { fields: [{ name: "as_of", type: "DATE" }] }, rows: [{ f: [{ v: null }] }] } };
      }
      return monitoringResponder(state)(request);
    });
    expect((await getDataAsOf()).as_of).toBe(ANSWER_AS_OF);
    const lookupsSent = fake.queryCalls("data_as_of").map((j) => (queryBody(j).queryParameters as { name: string; parameterValue: { value: IsoDate } }[]).find((p) => p.name === "date_from")!.parameterValue.value);
    expect(lookupsSent).toEqual(["2023-12-13", "2000-01-01"]);
    // Cached: the next loads within the TTL send nothing.
    await getDataAsOf();
    expect(fake.queryCalls("data_as_of")).toHaveLength(2);
  });
});
