/**
 * The audit's removed-row count of a reset: read through the audit's whole-window query,
 * it equals the number of rows the key held before the reset (inserted here) and the count the
 * RESET row itself stores; other actions have none. The CSV export carries it.
 */
import { describe, expect, it } from "vitest";

import { addDaysToInstant } from "@/lib/completeness/dates";
import { CONSOLE_DEPLOYMENT } from "@/lib/completeness/deployment";
import { AUDIT_CSV_COLUMNS, type AuditCsvRow, rowsRemoved } from "@/lib/data/audit";
import { toCsv } from "@/lib/format";
import type { BreakerKeyRef } from "@/lib/breakers/changes";
import { overrideBreaker, resetBreaker } from "@/lib/engine/breaker-writes";
import { auditLog } from "@/lib/queries/breakers";
import { BREAKER_TABLES, attemptRow, insertAttempts } from "@/test/support/fixtures";
import { scopedMemoryWarehouse } from "@/test/support/warehouse";

const KEY: BreakerKeyRef = { processor: "player_daily_cache", entity_id: "lebronjames", analysis_date: "2026-12-01" };
const TRIP_AT = "2026-12-03T04:10:00.000Z";
const NOW = "2026-12-04T15:30:00.000Z";

const wh = scopedMemoryWarehouse({ clearEach: BREAKER_TABLES });

/** Failure, failure, trip: `n` failures before the trip (n + 1 rows). */
async function trip(failures: number): Promise<number> {
  const base = { processor_name: KEY.processor, entity_id: KEY.entity_id, analysis_date: KEY.analysis_date };
  const rows = [
    ...Array.from({ length: failures }, (_, i) =>
      attemptRow({ ...base, attempt_number: i + 1, attempted_at: addDaysToInstant(TRIP_AT, -(failures - i)), event_type: "failure" }),
    ),
    attemptRow({
      ...base,
      attempt_number: failures + 1,
      attempted_at: TRIP_AT,
      event_type: "trip",
      circuit_breaker_tripped: true,
      circuit_breaker_until: addDaysToInstant(TRIP_AT, 7),
    }),
  ];
  await insertAttempts(wh, rows);
  return rows.length;
}

const request = (requestId: string, role: "operator" | "admin") => ({
  actor: role === "admin" ? "dana.admin" : "jordan.oncall",
  role,
  reasonCode: "data_now_available" as const,
  reason: "Schedule listed the game twice; clearing",
  requestId,
  now: NOW,
  deployment: CONSOLE_DEPLOYMENT,
});

async function readAudit() {
  return auditLog.run(wh, { created_from: "2026-11-01T00:00:00.000Z", created_to: "2026-12-31T00:00:00.000Z", actor: "", action: "", processor: "" });
}

describe("the audit's removed-row count", () => {
  it("is, for a reset, the number of rows the key held and the count its RESET row stores; null for an override", async () => {
    const held = await trip(4);
    expect(await overrideBreaker(wh, KEY, request("override-1", "operator"))).toMatchObject({ ok: true });
    const reset = await resetBreaker(wh, KEY, { ...request("reset-1", "admin"), now: addDaysToInstant(NOW, 1) });
    expect(reset).toMatchObject({ ok: true });

    const rows = await readAudit();
    const byAction = new Map(rows.map((r) => [r.action, r]));
    // The trip's rows and the override's row went.
    expect(rowsRemoved(byAction.get("reset")!.removed_rows_json)).toBe(held + 1);
    expect(rowsRemoved(byAction.get("override")!.removed_rows_json)).toBeNull();
    const [resetRow] = await wh.query(
      "SELECT rows_removed FROM nba_orchestration.reprocess_attempts WHERE entity_id = @e AND skip_reason = 'RESET'",
      { params: { e: KEY.entity_id }, types: { e: "STRING" } },
    );
    expect(Number(resetRow!.rows_removed)).toBe(held + 1);
  });

  it("is in the CSV export, one value per key row of its record", () => {
    const line = (action: string, removed: number | null): AuditCsvRow => ({
      e: { audit_id: action, created_at: NOW, action, actor: "a", actor_role: "admin", reason_code: null, reason: "r", request_id: action, key_count: 1, rows_removed: removed },
      k: { ...KEY, before: { status: "active", attemptCount: 3, consecutiveFailures: 3, until: null, lastEvent: "trip" }, after: { status: "closed", attemptCount: 0, consecutiveFailures: 0, until: null, lastEvent: "reset" } },
    });
    const [header, reset, override] = toCsv(AUDIT_CSV_COLUMNS, [line("reset", 5), line("override", null)]).trim().split(/\r?\n/);
    expect(header!.split(",").at(-1)).toBe("rows_removed");
    expect(reset!.split(",").at(-1)).toBe("5");
    expect(override!.split(",").at(-1)).toBe("");
  });
});
