/**
 * Fault tests with the BigQuery REST fake, end to end from the data layer and
 * the engine through the real BigQuery adapter and client:
 *
 * - reads retry only what can succeed on retry — 429, 500, 503, `backendError`, 408 — and never
 *   `invalidQuery`, `accessDenied`, `notFound`, `invalid` or a query slower than its timeout:
 *   attempts are counted at the fake, per job label;
 * - a failing monitoring read serves its last good rows marked stale with a safe message, while
 *   the other reads of the same overview load are fresh (the view models the page renders say so);
 * - a write whose response is lost after BigQuery applied it (a dropped connection, a 500) is
 *   retried with the same requestId, and the fake — emulating BigQuery's requestId
 *   deduplication — applies it once.
 *
 * Waits between attempts go to a recorder (no real back-off); the only real waits are the
 * timeout cases (a few hundred ms).
 */
import { CONSOLE_DEPLOYMENT } from "@/lib/completeness/deployment";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("next/headers", async () => (await import("@/test/support/session")).mockNextHeaders("viewer"));

import { addDaysToInstant } from "@/lib/completeness/dates";
import { buildAlertsView, buildOverviewView } from "@/app/(console)/_components/overview-view";
import { overrideBreaker } from "@/lib/engine/breaker-writes";
import { alertThresholds, clearMonitoringCache, getMonitoring } from "@/lib/data/monitoring";
import {
  BigQueryFake,
  type FieldSpec,
  type ScriptedResponse,
  errorResponse,
  jobLabel,
  queryBody,
  rowsResponse,
} from "@/test/support/bigquery-fake";
import { ANSWER_AS_OF, answerState, healthReadyPctAt, monitoringResponder, readyPctAt, setFault } from "@/test/support/monitoring-answers";

import { createBigQueryWarehouse, type BigQueryWarehouseOptions } from "./bigquery";
import { type Warehouse, WarehouseError } from "./types";

const holder = globalThis as typeof globalThis & { __completenessWarehouse?: Warehouse };
const fake = new BigQueryFake({ requestIds: true });
const state = answerState();
let sleeps: number[] = [];

function warehouse(overrides: Partial<BigQueryWarehouseOptions> = {}): Warehouse {
  return createBigQueryWarehouse(fake.warehouseOptions({ projectId: "fault-project", sleep: async (ms) => void sleeps.push(ms), random: () => 0, ...overrides }));
}

const P = { as_of: ANSWER_AS_OF, now: "2025-01-16T12:00:00.000Z" };

beforeAll(() => fake.start());
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
  Object.assign(state, answerState());
  fake.respond(monitoringResponder(state));
  clearMonitoringCache();
  sleeps = [];
  holder.__completenessWarehouse = warehouse();
  vi.spyOn(console, "error").mockImplementation(() => {}); // the data layer logs each failure
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  delete holder.__completenessWarehouse;
});

/** Google's front end answers a 503 with no `errors[]`: only the status says it is transient. */
const unavailable: ScriptedResponse = { status: 503, body: { error: { code: 503, message: "The service is currently unavailable.", status: "UNAVAILABLE" } } };

describe("reads retry only what can succeed on retry", () => {
  it.each<[string, ScriptedResponse]>([
    ["429 rateLimitExceeded", errorResponse(429, "rateLimitExceeded")],
    ["500 internalError", errorResponse(500, "internalError")],
    ["503 without a reason", unavailable],
    ["backendError", errorResponse(500, "backendError")],
    ["503 backendError", errorResponse(503, "backendError")],
    ["408 from a proxy", errorResponse(408, "requestTimeout")],
    ["a dropped connection", { hangUp: true }],
  ])("%s: retried with the same requestId, and the read is fresh", async (_name, failure) => {
    setFault(state, "readiness", (call) => (call === 1 ? failure : undefined));
    const read = await getMonitoring("readiness", P);
    expect(read.stale).toBeUndefined();
    expect(read.rows[0]!.ready_pct).toBe(readyPctAt(1));
    const attempts = fake.queryCalls("readiness");
    expect(attempts).toHaveLength(2);
    expect(queryBody(attempts[1]!).requestId).toBe(queryBody(attempts[0]!).requestId);
    expect(sleeps).toEqual([1_000]); // one back-off (1 s, no jitter here), recorded not waited
  });

  it("a persistent 503 is tried 5 times in all, then fails with a safe message", async () => {
    setFault(state, "readiness", () => errorResponse(503, "backendError"));
    const error = await getMonitoring("readiness", P).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WarehouseError);
    expect((error as WarehouseError).message).toBe("The warehouse had a temporary failure (after 5 attempts)");
    expect(fake.queryCalls("readiness")).toHaveLength(5);
    expect(sleeps).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it.each<[string, ScriptedResponse, string]>([
    ["invalidQuery", errorResponse(400, "invalidQuery", "Syntax error: Unexpected keyword WHERE at [12:3]"), "The warehouse rejected the query as invalid"],
    ["invalid (400)", errorResponse(400, "invalid", "Invalid value for parameter"), "The warehouse rejected the request as invalid"],
    ["accessDenied (403)", errorResponse(403, "accessDenied", "Access Denied: Table p:nba_precompute.x"), "The warehouse denied access; check the service account's permissions"],
    ["notFound (404)", errorResponse(404, "notFound", "Not found: Table p:nba_precompute.x"), "A table or dataset the query needs was not found"],
    ["a 4xx without a reason", { status: 400, body: { error: { code: 400, message: "Bad request" } } }, "The warehouse request failed"],
  ])("%s: never retried", async (_name, failure, message) => {
    setFault(state, "readiness", () => failure);
    const error = await getMonitoring("readiness", P).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WarehouseError);
    expect((error as WarehouseError).message).toBe(message);
    expect(fake.queryCalls("readiness")).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("an answer slower than the timeout (BIGQUERY_JOB_TIMEOUT_MS) fails once, not retried, with jobTimeoutMs sent", async () => {
    holder.__completenessWarehouse = warehouse({ timeoutMs: 300 });
    setFault(state, "readiness", () => ({ ...rowsResponse([], []), delayMs: 3_000 }));
    const error = await getMonitoring("readiness", P).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WarehouseError);
    expect((error as WarehouseError).message).toBe("The query did not finish within 300 ms");
    expect((error as WarehouseError).detail.reason).toBe("timeout");
    const attempts = fake.queryCalls("readiness");
    expect(attempts).toHaveLength(1);
    expect(queryBody(attempts[0]!)).toMatchObject({ jobTimeoutMs: "300", timeoutMs: 300 });
    expect(sleeps).toEqual([]);
  });
});

describe("a failing read on the overview: last good rows, marked stale, while the others are fresh", () => {
  /** The overview's three processor reads, as the page builds its panels from them. */
  async function overview() {
    const [health, readiness, trends] = await Promise.all([getMonitoring("health"), getMonitoring("readiness"), getMonitoring("trends")]);
    return {
      health,
      readiness,
      trends,
      processors: buildOverviewView(health, readiness, trends),
      alerts: buildAlertsView(health, alertThresholds()),
    };
  }

  it.each<[string, ScriptedResponse, string]>([
    ["invalidQuery", errorResponse(400, "invalidQuery", "Unrecognized name: ready_pct at [40:3]"), "The warehouse rejected the query as invalid"],
    ["a persistent 503", errorResponse(503, "backendError"), "The warehouse had a temporary failure (after 5 attempts)"],
    ["a persistent 429", errorResponse(429, "rateLimitExceeded"), "The warehouse is rate-limiting requests; try again shortly (after 5 attempts)"],
  ])("%s on readiness", async (_name, failure, message) => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2025-01-16T12:00:10.000Z"));
    const good = await overview();
    expect(good.processors.meta.stale).toBeUndefined();

    // The TTL passes; the figures move on; readiness now fails.
    vi.setSystemTime(new Date("2025-01-16T12:01:10.000Z"));
    state.generation = 2;
    setFault(state, "readiness", () => failure);
    const later = await overview();

    // The failing read: the last good rows, stale, with the safe message (no SQL, no table).
    expect(later.readiness).toMatchObject({ stale: true, error: message, read_at: good.readiness.read_at });
    expect(later.readiness.rows).toEqual(good.readiness.rows);
    expect(later.readiness.rows[0]!.ready_pct).toBe(readyPctAt(1));
    // The other reads of the same load are fresh.
    expect(later.health.stale).toBeUndefined();
    expect(later.health.rows[0]!.production_ready_pct).toBe(healthReadyPctAt(2));
    expect(later.trends.stale).toBeUndefined();
    // The processors panel (built from all three) says it is stale and why; the alerts panel does not.
    expect(later.processors.meta).toMatchObject({ stale: true, error: message });
    expect(later.processors.rows.map((r) => r.readyPct)).toEqual(Array(7).fill(readyPctAt(1)));
    expect(later.processors.rows.map((r) => r.readyPct7)).toEqual(Array(7).fill(healthReadyPctAt(2)));
    expect(later.alerts.meta.stale).toBeUndefined();
    expect(later.alerts.alerts.map((a) => a.code)).toContain(good.alerts.alerts[0]!.code);
  });

  it("with no earlier result the failing read throws (its panel shows the error), the others still answer", async () => {
    setFault(state, "trends", () => errorResponse(400, "invalidQuery"));
    const [health, readiness, trends] = await Promise.allSettled([getMonitoring("health", P), getMonitoring("readiness", P), getMonitoring("trends", P)]);
    expect(health.status).toBe("fulfilled");
    expect(readiness.status).toBe("fulfilled");
    expect(trends).toMatchObject({ status: "rejected", reason: { message: "The warehouse rejected the query as invalid" } });
  });
});

// ---------------------------------------------------------------------------------------------
// Writes

const TS = (iso: string) => String(Date.parse(iso) * 1000); // TIMESTAMP on the wire: int64 micros

const ATTEMPT_FIELDS: FieldSpec[] = [
  ["processor_name", "STRING"],
  ["entity_id", "STRING"],
  ["analysis_date", "DATE"],
  ["attempt_number", "INTEGER"],
  ["attempted_at", "TIMESTAMP"],
  ["completeness_pct", "FLOAT"],
  ["skip_reason", "STRING"],
  ["circuit_breaker_tripped", "BOOLEAN"],
  ["circuit_breaker_until", "TIMESTAMP"],
  ["manual_override_applied", "BOOLEAN"],
  ["notes", "STRING"],
  ["event_type", "STRING"],
  ["actor", "STRING"],
  ["actor_role", "STRING"],
  ["reason_code", "STRING"],
  ["request_id", "STRING"],
  ["override_expires_at", "TIMESTAMP"],
  ["rows_removed", "INTEGER"],
  ["batch_id", "STRING"],
  ["created_at", "TIMESTAMP"],
].map(([name, type]) => ({ name: name!, type: type! }));

const KEY = { processor: "player_shot_zone_analysis", entity_id: "lebronjames", analysis_date: "2025-01-12" } as const;
const TRIPPED_AT = "2025-01-15T04:00:00.000Z";

/** The key's rows: two failures and the trip that makes it active until 2025-01-22. */
function keyRowsAnswer(): ScriptedResponse {
  const row = (attempt: number, event: "failure" | "trip", at: string) => ({
    processor_name: KEY.processor,
    entity_id: KEY.entity_id,
    analysis_date: KEY.analysis_date,
    attempt_number: attempt,
    attempted_at: TS(at),
    completeness_pct: 50,
    skip_reason: "incomplete_upstream_data",
    circuit_breaker_tripped: event === "trip",
    circuit_breaker_until: event === "trip" ? TS(addDaysToInstant(at, 7)) : null,
    manual_override_applied: false,
    notes: null,
    event_type: event,
    actor: null,
    actor_role: null,
    reason_code: null,
    request_id: null,
    override_expires_at: null,
    rows_removed: null,
    batch_id: null,
    created_at: TS(at),
  });
  return rowsResponse(ATTEMPT_FIELDS, [row(1, "failure", "2025-01-13T04:00:00.000Z"), row(2, "failure", "2025-01-14T04:00:00.000Z"), row(3, "trip", TRIPPED_AT)]);
}

/** A committed transaction script: the per-statement counts (one attempt row, one audit row). */
const committed = rowsResponse([{ name: "row_counts", type: "INTEGER", mode: "REPEATED" }], [{ row_counts: [1, 1] }]);

describe("a write whose response is lost after it was applied", () => {
  const request = { actor: "maria.ops", role: "operator" as const, reasonCode: null, reason: "box scores backfilled", requestId: "req-override-1", now: "2025-01-16T12:00:00.000Z", deployment: CONSOLE_DEPLOYMENT };

  function scriptWrite(lost: ScriptedResponse) {
    let transactions = 0;
    fake.respond((r) => {
      switch (jobLabel(r)) {
        case "audit_by_request":
          return rowsResponse([], []); // not applied before
        case "breaker_key_rows":
          return keyRowsAnswer();
        case "override_breaker":
          // The first attempt commits and its answer is lost; anything new after that would be
          // applied again (which the requestId must prevent).
          return transactions++ === 0 ? { ...committed, lost } : committed;
        default:
          return undefined;
      }
    });
  }

  it.each<[string, ScriptedResponse]>([
    ["a dropped connection", { hangUp: true }],
    ["a 500 backendError", errorResponse(500, "backendError")],
    ["a 503", unavailable],
  ])("%s: retried with the same requestId and applied once", async (_name, lost) => {
    scriptWrite(lost);
    const outcome = await overrideBreaker(warehouse(), KEY, request);

    expect(outcome).toMatchObject({ ok: true, replay: false, data: { change: { before: { status: "active" }, after: { status: "closed" } } } });
    const attempts = fake.queryCalls("override_breaker");
    expect(attempts).toHaveLength(2);
    const [first, retry] = attempts.map(queryBody);
    expect(retry!.requestId).toBe(first!.requestId);
    expect(retry!.query).toBe(first!.query);
    expect(retry!.queryParameters).toEqual(first!.queryParameters);
    // BigQuery (the fake) recognised the retry and answered it with the first outcome.
    expect(fake.deduplicated).toBe(1);
    expect(fake.applied.filter((r) => jobLabel(r) === "override_breaker")).toHaveLength(1);
    expect(sleeps).toEqual([1_000]);
  });

  it("the fake applies the same statement again under another requestId (so the count above means something)", async () => {
    const wh = warehouse();
    fake.respond(() => committed);
    const insert = (requestId: string) => wh.execute("INSERT INTO t (x) VALUES (1)", { requestId, label: "control" });
    await insert("first-id");
    await insert("second-id");
    expect(fake.applied.filter((r) => jobLabel(r) === "control")).toHaveLength(2);
    expect(fake.deduplicated).toBe(0);
    await insert("first-id");
    expect(fake.applied.filter((r) => jobLabel(r) === "control")).toHaveLength(2);
    expect(fake.deduplicated).toBe(1);
  });
});

describe("two replicas overriding the same key at once", () => {
  const request = { actor: "maria.ops", role: "operator" as const, reasonCode: null, reason: "box scores backfilled", requestId: "req-override-2", now: "2025-01-16T12:00:00.000Z", deployment: CONSOLE_DEPLOYMENT };
  const OTHER_AT = "2025-01-16T11:59:59.000Z";

  /** The key's rows after the other replica's override committed: the three above and its override. */
  function keyRowsWithOtherOverride(): ScriptedResponse {
    const before = keyRowsAnswer().body as { rows: unknown[] };
    const override = rowsResponse(ATTEMPT_FIELDS, [
      {
        processor_name: KEY.processor,
        entity_id: KEY.entity_id,
        analysis_date: KEY.analysis_date,
        attempt_number: 4,
        attempted_at: TS(OTHER_AT),
        completeness_pct: 50,
        skip_reason: "manual_override",
        circuit_breaker_tripped: false,
        circuit_breaker_until: null,
        manual_override_applied: true,
        notes: "Manual override applied by jon.oncall",
        event_type: "override",
        actor: "jon.oncall",
        actor_role: "operator",
        reason_code: "other",
        request_id: "req-from-the-other-replica",
        override_expires_at: null,
        rows_removed: null,
        batch_id: null,
        created_at: TS(OTHER_AT),
      },
    ]).body as { rows: unknown[] };
    const answer = keyRowsAnswer();
    return { ...answer, body: { ...(answer.body as object), rows: [...before.rows, ...override.rows], totalRows: "4" } };
  }

  it("the later one is cancelled by the write lock, re-issued under a new requestId, and answers conflict: one override in all", async () => {
    // Another replica's override of the same key commits while ours runs: BigQuery cancels ours
    // (both UPDATE the lock row). Ours, re-issued, reads the other's rows and its guard fails;
    // the engine reads the key again and finds it already overridden.
    let otherCommitted = false;
    fake.respond((r) => {
      switch (jobLabel(r)) {
        case "audit_by_request":
          return rowsResponse([], []);
        case "breaker_key_rows":
          return otherCommitted ? keyRowsWithOtherOverride() : keyRowsAnswer();
        case "override_breaker":
          if (!otherCommitted) {
            otherCommitted = true;
            const aborted = errorResponse(400, "invalidQuery", "Transaction is aborted due to concurrent update against table fault-project:nba_orchestration.console_write_lock");
            return { ...aborted, jobFailed: true };
          }
          return errorResponse(400, "invalidQuery", "Query error: cc_guard_failed at [4:1]");
        default:
          return undefined;
      }
    });

    const outcome = await overrideBreaker(warehouse(), KEY, request);

    expect(outcome).toMatchObject({ ok: false, error: "conflict" });
    expect(outcome.ok ? "" : outcome.message).toContain("already overridden by jon.oncall");
    const attempts = fake.queryCalls("override_breaker").map(queryBody);
    expect(attempts).toHaveLength(2);
    // The aborted job was rolled back; the same requestId would only get it back again.
    expect(attempts[1]!.requestId).not.toBe(attempts[0]!.requestId);
    expect(fake.deduplicated).toBe(0);
    expect(fake.applied.filter((r) => jobLabel(r) === "override_breaker")).toHaveLength(0);
    // The lock comes before the guard's check, inside the transaction.
    const script = String(attempts[0]!.query);
    expect(script.indexOf("UPDATE nba_orchestration.console_write_lock")).toBeGreaterThan(script.indexOf("BEGIN TRANSACTION;"));
    expect(script.indexOf("UPDATE nba_orchestration.console_write_lock")).toBeLessThan(script.indexOf("cc_guard_failed"));
  });

  it("the fake answers a failed job's requestId with the same failure (so the new requestId above means something)", async () => {
    const wh = warehouse({ retry: { maxAttempts: 1 } });
    const aborted = { ...errorResponse(400, "invalidQuery", "Transaction is aborted due to concurrent update against table t"), jobFailed: true };
    fake.enqueue(aborted);
    const run = () => wh.execute("DELETE FROM t WHERE TRUE", { requestId: "same-id", label: "control" }).catch((e: unknown) => e);
    expect(await run()).toBeInstanceOf(WarehouseError);
    fake.enqueue(rowsResponse([], [])); // would succeed, were it run again
    expect(await run()).toBeInstanceOf(WarehouseError);
    expect(fake.deduplicated).toBe(1);
  });
});
