/**
 * The trends charts' operator annotations (lib/data/trend-annotations.ts and the trends view) on
 * a real embedded database written through the engine: an override whose row a later reset of
 * the same key deleted (the attempt rows no longer show it; the audit does), and an override
 * made today, the day after the data date the range ends at. The annotations are held to the
 * audit table's rows, counted here by day in SQL.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("next/headers", async () => (await import("@/test/support/session")).mockNextHeaders("viewer"));

import { addDaysToInstant } from "@/lib/completeness/dates";
import { CONSOLE_DEPLOYMENT } from "@/lib/completeness/deployment";
import { getTrendAnnotations } from "@/lib/data/trend-annotations";
import type { BreakerKeyRef } from "@/lib/breakers/changes";
import { type WriteRequest, overrideBreaker, resetBreaker } from "@/lib/engine/breaker-writes";
import { readBreakerTrend, runMonitoringQuery } from "@/lib/queries/monitoring";
import type { Warehouse } from "@/lib/warehouse/types";
import { BREAKER_TABLES, attemptRow, clearTables, insertAttempts, memoryWarehouse } from "@/test/support/fixtures";

import { buildTrendsView, resolveRange } from "@/app/(console)/trends/_components/trends-view";

const DATA_DATE = "2026-09-30";
const key = (entity: string, date: string): BreakerKeyRef => ({ processor: "player_daily_cache", entity_id: entity, analysis_date: date });

/** Three failures, the third tripping for 7 days. */
async function tripped(k: BreakerKeyRef, firstAt: string) {
  await insertAttempts(
    wh,
    [1, 2, 3].map((n) =>
      attemptRow({
        processor_name: k.processor,
        entity_id: k.entity_id,
        analysis_date: k.analysis_date,
        attempt_number: n,
        attempted_at: addDaysToInstant(firstAt, n - 1),
        event_type: n === 3 ? "trip" : "failure",
        skip_reason: "incomplete_upstream_data",
        circuit_breaker_tripped: n === 3,
        circuit_breaker_until: n === 3 ? addDaysToInstant(firstAt, n - 1 + 7) : null,
      }),
    ),
  );
}

const write = (fields: Partial<WriteRequest> & Pick<WriteRequest, "requestId" | "now">): WriteRequest => ({
  actor: "jordan.oncall",
  role: "operator",
  reasonCode: "data_now_available",
  reason: "Late box score arrived",
  deployment: CONSOLE_DEPLOYMENT,
  ...fields,
});

let wh: Warehouse;
beforeAll(async () => {
  wh = memoryWarehouse();
  await clearTables(wh, BREAKER_TABLES);
});
afterAll(() => wh.close());

describe("operator annotations on the trends axis", () => {
  it("come from the audit: an override a reset deleted and today's override are both drawn", async () => {
    const a = key("lebronjames", "2026-09-19");
    const b = key("stephencurry", "2026-09-28");
    await tripped(a, "2026-09-20T04:00:00.000Z");
    // Override on the 23rd, then the key fails three times again and an admin resets it on the 27th.
    expect(await overrideBreaker(wh, a, write({ requestId: "o-1", now: "2026-09-23T15:30:00.000Z" }))).toMatchObject({ ok: true });
    await insertAttempts(wh, [
      attemptRow({ processor_name: a.processor, entity_id: a.entity_id, analysis_date: a.analysis_date, attempt_number: 5, attempted_at: "2026-09-24T04:00:00.000Z", event_type: "failure", skip_reason: "incomplete_upstream_data" }),
    ]);
    expect(await resetBreaker(wh, a, write({ actor: "dana.admin", role: "admin", reasonCode: null, reason: "Schedule error", requestId: "r-1", now: "2026-09-27T15:30:00.000Z" }))).toMatchObject({ ok: true });
    // Today (the day after the data date): another key overridden.
    await tripped(b, "2026-09-28T04:00:00.000Z");
    expect(await overrideBreaker(wh, b, write({ actor: "sam.oncall", requestId: "o-2", now: "2026-10-01T09:00:00.000Z" }))).toMatchObject({ ok: true });

    const now = "2026-10-01T12:00:00.000Z";
    // Why the attempt rows cannot tell it: the reset deleted the override row of the 23rd.
    const history = await runMonitoringQuery(wh, "breaker-history", { as_of: DATA_DATE, now });
    expect(history.filter((r) => r.event === "override").map((r) => r.attempted_at.slice(0, 10))).toEqual(["2026-10-01"]);

    // The audit's operator actions per day, counted by the database.
    const expected = await wh.query<{ day: string; overrides: number; resets: number }>(
      `SELECT CAST(CAST(created_at AS DATE) AS VARCHAR) AS day,
              CAST(SUM(CASE WHEN action IN ('override', 'bulk_override') THEN key_count ELSE 0 END) AS INTEGER) AS overrides,
              CAST(SUM(CASE WHEN action = 'reset' THEN key_count ELSE 0 END) AS INTEGER) AS resets
       FROM nba_orchestration.breaker_audit_log GROUP BY 1 ORDER BY 1`,
    );
    expect(expected.map((e) => e.day)).toEqual(["2026-09-23", "2026-09-27", "2026-10-01"]);

    // The range ends at the data date; the annotations run through today.
    const range = resolveRange({ range: "30" }, DATA_DATE, "2026-07-21");
    const audited = await getTrendAnnotations(range.from, "2026-10-01", { warehouse: wh });
    const meta = { as_of: DATA_DATE, now, read_at: now };
    const view = buildTrendsView(range, [{ ...meta, rows: [] }], { ...meta, rows: await readBreakerTrend(wh, now, 30) }, audited);
    expect(view.events.map((e) => ({ day: e.date, overrides: e.overrides, resets: e.resets }))).toEqual(expected);
    expect(view.events.map((e) => e.actors)).toEqual([["jordan.oncall"], ["dana.admin"], ["sam.oncall"]]);
    expect(view.dates.at(-1)).toBe("2026-10-01");

    // Through the data date only (a range that ends in the past): today's action is not read.
    const past = await getTrendAnnotations(range.from, DATA_DATE, { warehouse: wh });
    expect(past.map((r) => r.created_at.slice(0, 10))).toEqual(["2026-09-23", "2026-09-27"]);
  });
});
