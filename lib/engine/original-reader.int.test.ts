/**
 * The console's writes as the ORIGINAL Python processors see them. On tables created from the
 * original DDL (sql/original, then the console's start-up schema), this file replays — in its
 * own SQL against reprocess_attempts, not through the console's code — the two methods every
 * original processor carries:
 *
 * - `_check_circuit_breaker(entity, date)`: the key's row with the highest attempt_number under
 *   the processor's own name (`ORDER BY attempt_number DESC LIMIT 1`); blocked when it is tripped
 *   and now < circuit_breaker_until; `attempts` = its attempt_number (0 without rows).
 * - `_increment_reprocess_count(...)`: next = attempts + 1; tripped when next ≥ 3, until = the
 *   Python clock + 7 days; one INSERT with attempted_at from the warehouse clock (a few
 *   milliseconds after the Python clock, with microseconds), manual_override_applied FALSE and
 *   every column the console added left NULL.
 *
 * After every kind of console write (override, bulk override, reset), for every processor under
 * its pipeline name, it asserts what the processor would do next: blocked or not, the attempt
 * number of its next failure, and whether that failure trips — and that the console's own state
 * and its promise (`consequence`) say the same.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { instantMicros, isoFromMicros } from "@/lib/completeness/dates";
import { type Deployment, ORIGINAL_DEPLOYMENT, buildDeployment } from "@/lib/completeness/deployment";
import { PROCESSOR_NAMES, type ProcessorName } from "@/lib/completeness/processors";
import type { BreakerKeyRef } from "@/lib/breakers/changes";
import { type WriteRequest, applyBulkOverride, consequenceOf, overrideBreaker, previewBulkOverride, readKeys, resetBreaker } from "@/lib/engine/breaker-writes";
import { selectActiveKeys } from "@/lib/engine/bulk-selection";
import { createDuckDbWarehouse } from "@/lib/warehouse/duckdb";
import { applyEmbeddedSchema } from "@/lib/warehouse/schema";
import type { Warehouse } from "@/lib/warehouse/types";
import { BREAKER_TABLES, clearTables } from "@/test/support/fixtures";

const D = "2025-01-10";
const ATTEMPTS = "nba_orchestration.reprocess_attempts";
const US_PER_MS = 1000;
const US_PER_HOUR = 3_600_000_000;
const US_PER_DAY = 24 * US_PER_HOUR;

let wh: Warehouse;

beforeAll(async () => {
  // The original pipeline's tables exactly as its DDL declares them, then what the console does
  // on every open (adds its nullable columns, creates its own tables).
  wh = createDuckDbWarehouse({
    path: ":memory:",
    onOpen: async (run) => {
      await applyEmbeddedSchema(run, "sql/original");
      await applyEmbeddedSchema(run);
    },
  });
});

afterAll(async () => {
  await wh.close();
});

beforeEach(async () => {
  await clearTables(wh, BREAKER_TABLES);
});

// ---------------------------------------------------------------------------------------------
// The Python processor, replayed

interface PythonCheck {
  active: boolean;
  attempts: number;
  until: string | null;
}

/** `_check_circuit_breaker`: the latest row by attempt_number decides. */
async function pythonCheck(processorName: string, entityId: string, date: string, now: string): Promise<PythonCheck> {
  const rows = await wh.query<{ attempt_number: number; circuit_breaker_tripped: boolean; circuit_breaker_until: string | null }>(
    `SELECT attempt_number, attempted_at, circuit_breaker_tripped, circuit_breaker_until
     FROM ${ATTEMPTS}
     WHERE processor_name = @processor_name AND entity_id = @entity_id AND analysis_date = @analysis_date
     ORDER BY attempt_number DESC
     LIMIT 1`,
    { params: { processor_name: processorName, entity_id: entityId, analysis_date: date }, types: { processor_name: "STRING", entity_id: "STRING", analysis_date: "DATE" } },
  );
  const row = rows[0];
  if (!row) return { active: false, attempts: 0, until: null };
  if (row.circuit_breaker_tripped && row.circuit_breaker_until !== null && instantMicros(now) < instantMicros(row.circuit_breaker_until)) {
    return { active: true, attempts: row.attempt_number, until: row.circuit_breaker_until };
  }
  return { active: false, attempts: row.attempt_number, until: null };
}

/**
 * `_increment_reprocess_count` at Python time `now` (microseconds): the row it INSERTs. The
 * warehouse stamps attempted_at 3.25 ms after the Python clock read, so circuit_breaker_until is
 * a few ms before attempted_at + 7 days, as in the pipeline's rows.
 */
async function pythonFailure(processorName: string, entityId: string, date: string, now: string, pct = 70): Promise<{ attempt: number; tripped: boolean }> {
  const check = await pythonCheck(processorName, entityId, date, now);
  const next = check.attempts + 1;
  const tripped = next >= 3;
  const until = tripped ? isoFromMicros(instantMicros(now) + 7 * US_PER_DAY) : null;
  const attemptedAt = isoFromMicros(instantMicros(now) + 3250);
  await wh.execute(
    `INSERT INTO ${ATTEMPTS}
       (processor_name, entity_id, analysis_date, attempt_number, attempted_at, completeness_pct, skip_reason,
        circuit_breaker_tripped, circuit_breaker_until, manual_override_applied, notes)
     VALUES (@processor_name, @entity_id, @analysis_date, @attempt_number, @attempted_at, @pct, 'incomplete_upstream_data',
        @tripped, @until, FALSE, @notes)`,
    {
      params: {
        processor_name: processorName,
        entity_id: entityId,
        analysis_date: date,
        attempt_number: next,
        attempted_at: attemptedAt,
        pct,
        tripped,
        until,
        notes: `Attempt ${next}: ${pct.toFixed(1)}% complete`,
      },
      types: {
        processor_name: "STRING",
        entity_id: "STRING",
        analysis_date: "DATE",
        attempt_number: "INT64",
        attempted_at: "TIMESTAMP",
        pct: "FLOAT64",
        tripped: "BOOL",
        until: "TIMESTAMP",
        notes: "STRING",
      },
    },
  );
  return { attempt: next, tripped };
}

/** What the processor would do on its next run if the key still fails. */
async function nextRun(processorName: string, entityId: string, now: string) {
  const check = await pythonCheck(processorName, entityId, D, now);
  return { blocked: check.active, nextAttempt: check.attempts + 1, nextFailureTrips: check.attempts + 1 >= 3 };
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** An instant with microseconds, `hours` after the night of the analysis date. */
function at(hours: number, extraMicros = 123_457): string {
  return isoFromMicros(instantMicros(`${D}T23:00:00.000Z`) + hours * US_PER_HOUR + extraMicros);
}

/** An entity id of the processor's kind. */
function entityFor(processor: ProcessorName, n: number): string {
  if (processor === "team_defense_zone_analysis") return ["LAL", "BOS", "MIA"][n]!;
  if (processor === "upcoming_team_game_context") return `${["LAL", "BOS", "MIA"][n]!}_${D}`;
  return ["lebronjames", "jaysontatum", "jimmybutler"][n]!;
}

/** Three Python failures: attempts 1 and 2, then 3 trips (until = Python clock + 7 days). */
async function tripByPython(name: string, entity: string): Promise<void> {
  expect(await pythonFailure(name, entity, D, at(0))).toEqual({ attempt: 1, tripped: false });
  expect(await pythonFailure(name, entity, D, at(1))).toEqual({ attempt: 2, tripped: false });
  expect(await pythonFailure(name, entity, D, at(2))).toEqual({ attempt: 3, tripped: true });
}

function request(now: string, fields: Partial<WriteRequest> = {}): WriteRequest {
  return {
    actor: "maria.ops",
    role: "operator",
    reasonCode: "data_now_available",
    reason: "Box scores backfilled and verified",
    requestId: `req-${now}-${fields.role ?? "operator"}`,
    // The console's own clock: whole milliseconds.
    now: new Date(instantMicros(now) / US_PER_MS).toISOString(),
    deployment: ORIGINAL_DEPLOYMENT,
    ...fields,
  };
}

async function consoleStatus(key: BreakerKeyRef, now: string, deployment: Deployment = ORIGINAL_DEPLOYMENT) {
  void deployment;
  const snapshot = await readKeys(wh, [key], now);
  return snapshot.keys[0]!.state;
}

const ONE_RETRY = /^One retry: .*if that run still fails, the breaker trips again for 7 days/;

// ---------------------------------------------------------------------------------------------

describe.each(PROCESSOR_NAMES.map((p) => [p, ORIGINAL_DEPLOYMENT[p].pipelineName] as const))(
  "%s, written and read as %s by the original processor",
  (processor, pipelineName) => {
    it("a console override un-blocks it for one retry; its next failure trips again, and the console says both", async () => {
      const entity = entityFor(processor, 0);
      const key = { processor, entity_id: entity, analysis_date: D };
      await tripByPython(pipelineName, entity);
      expect(await nextRun(pipelineName, entity, at(3))).toEqual({ blocked: true, nextAttempt: 4, nextFailureTrips: true });
      expect((await consoleStatus(key, request(at(3)).now)).status).toBe("active");

      const result = await overrideBreaker(wh, key, request(at(3)));
      expect(result).toMatchObject({ ok: true, replay: false, data: { change: { before: { status: "active" }, after: { status: "closed" } } } });
      expect(result.ok && result.data.consequence).toMatch(ONE_RETRY);

      // Under the processor's own name, so its read sees it: not blocked, one retry.
      const [written] = await wh.query<{ processor_name: string }>(`SELECT processor_name FROM ${ATTEMPTS} WHERE manual_override_applied AND entity_id = @e`, {
        params: { e: entity },
        types: { e: "STRING" },
      });
      expect(written!.processor_name).toBe(pipelineName);
      expect(await nextRun(pipelineName, entity, at(4))).toEqual({ blocked: false, nextAttempt: 5, nextFailureTrips: true });

      // The retry fails: attempt 5 trips again for 7 days, and the console derives "active" from it.
      expect(await pythonFailure(pipelineName, entity, D, at(5))).toEqual({ attempt: 5, tripped: true });
      expect(await nextRun(pipelineName, entity, at(6))).toEqual({ blocked: true, nextAttempt: 6, nextFailureTrips: true });
      expect(await consoleStatus(key, request(at(6)).now)).toMatchObject({ status: "active", lastEvent: "trip" });
    });

    it("a console bulk override of the keys it tripped un-blocks each of them for one retry", async () => {
      const entities = [entityFor(processor, 1), entityFor(processor, 2)];
      for (const e of entities) await tripByPython(pipelineName, e);
      const now = request(at(3)).now;
      const keys = await selectActiveKeys(wh, { date_from: D, date_to: D, processors: [processor] }, now, ORIGINAL_DEPLOYMENT);
      expect(keys.map((k) => k.entity_id).sort()).toEqual([...entities].sort());
      const preview = await previewBulkOverride(wh, keys, now, ORIGINAL_DEPLOYMENT);
      expect(preview.changes).toHaveLength(2);
      expect(preview.consequence).toMatch(ONE_RETRY);
      const applied = await applyBulkOverride(wh, keys, preview.token, request(at(3), { requestId: `bulk-${processor}` }));
      expect(applied).toMatchObject({ ok: true, replay: false });
      expect(applied.ok && applied.data.consequence).toMatch(ONE_RETRY);
      for (const e of entities) {
        expect(await nextRun(pipelineName, e, at(4))).toEqual({ blocked: false, nextAttempt: 5, nextFailureTrips: true });
      }
    });

    it("a console reset gives it a fresh count of three: attempts 1 and 2 fail without tripping, 3 trips", async () => {
      const entity = entityFor(processor, 0);
      const key = { processor, entity_id: entity, analysis_date: D };
      await tripByPython(pipelineName, entity);
      const result = await resetBreaker(wh, key, request(at(3), { role: "admin", actor: "dana.admin", requestId: `reset-${processor}` }));
      expect(result).toMatchObject({ ok: true, replay: false, data: { rowsRemoved: 3 } });
      const left = await wh.query<{ processor_name: string; attempt_number: number }>(`SELECT processor_name, attempt_number FROM ${ATTEMPTS}`);
      expect(left).toEqual([{ processor_name: pipelineName, attempt_number: 0 }]);

      expect(await nextRun(pipelineName, entity, at(4))).toEqual({ blocked: false, nextAttempt: 1, nextFailureTrips: false });
      expect(await pythonFailure(pipelineName, entity, D, at(5))).toEqual({ attempt: 1, tripped: false });
      expect(await pythonFailure(pipelineName, entity, D, at(6))).toEqual({ attempt: 2, tripped: false });
      expect(await consoleStatus(key, request(at(7)).now)).toMatchObject({ status: "failing", consecutiveFailures: 2 });
      expect(await pythonFailure(pipelineName, entity, D, at(7))).toEqual({ attempt: 3, tripped: true });
      expect(await nextRun(pipelineName, entity, at(8))).toEqual({ blocked: true, nextAttempt: 4, nextFailureTrips: true });
    });
  },
);

describe("the name written is the deployment's", () => {
  it("a pipeline configured to read the canonical name gets the override under it; the alias rows are still read and reset", async () => {
    const deployment = buildDeployment({ readers: "original", pipelineNames: { ml_feature_store: "ml_feature_store" } });
    await tripByPython("ml_feature_store", "lukadoncic");
    const key = { processor: "ml_feature_store" as const, entity_id: "lukadoncic", analysis_date: D };
    expect(await overrideBreaker(wh, key, request(at(3), { deployment }))).toMatchObject({ ok: true });
    expect(await nextRun("ml_feature_store", "lukadoncic", at(4))).toMatchObject({ blocked: false });
    // Written under that name only: a processor reading ml_feature_store_v2 has no rows at all.
    expect(await nextRun("ml_feature_store_v2", "lukadoncic", at(4))).toEqual({ blocked: false, nextAttempt: 1, nextFailureTrips: false });
  });

  it("a console-reader deployment promises a fresh count, and the console's own engine keeps it", async () => {
    const deployment = buildDeployment({ readers: "console" });
    await tripByPython("ml_feature_store_v2", "lukadoncic");
    const key = { processor: "ml_feature_store" as const, entity_id: "lukadoncic", analysis_date: D };
    const result = await overrideBreaker(wh, key, request(at(3), { deployment }));
    expect(result.ok && result.data.consequence).toMatch(/^Fresh start: .*three more consecutive failures/);
    expect(result).toMatchObject({ ok: true, data: { change: { after: { status: "closed", consecutiveFailures: 0 } } } });
  });

  it("with readers that differ by processor, the consequence names each sentence's processors", () => {
    const mixed = buildDeployment({ readers: { team_defense_zone_analysis: "console" } });
    const text = consequenceOf(mixed, ["ml_feature_store", "team_defense_zone_analysis", "ml_feature_store"]);
    expect(text).toMatch(/^ml_feature_store: One retry: .*team_defense_zone_analysis: Fresh start: /);
    expect(consequenceOf(mixed, ["ml_feature_store"])).toMatch(/^One retry: /);
  });
});
