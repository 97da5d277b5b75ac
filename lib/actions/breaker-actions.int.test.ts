/**
 * The breaker verbs through their exported entries (`runAs` with an actor the server
 * authenticated, as the API routes call them), against an in-memory embedded database: a role
 * that may not is refused, invalid input is refused naming the field with nothing written, a
 * write appends its rows and exactly one audit record under the actor's name, and the same
 * request id again is a replay that writes nothing.
 */
import { beforeEach, describe, expect, it } from "vitest";

import { describeOverride } from "@/lib/actions/describe-override";
import { applyBulkOverrideAction, previewBulkOverrideAction } from "@/lib/actions/bulk-override-breakers";
import { overrideBreaker } from "@/lib/actions/override-breaker";
import { resetBreaker } from "@/lib/actions/reset-breaker";
import { restoreReset } from "@/lib/actions/restore-reset";
import { actorWith, auditOf, expectInvalidField, expectRefusedWritingNothing, expectReplayWritesNothing } from "@/test/support/action-cases";
import { consoleWarehouseForFile, tripKey, writtenRows } from "@/test/support/console-warehouse";
import { clearAll, countRows } from "@/test/support/fixtures";

const wh = consoleWarehouseForFile({ readers: "original" });

const KEY = { processor: "player_daily_cache", entity_id: "lebronjames", analysis_date: "2026-11-20" };
const ATTEMPTS = "nba_orchestration.reprocess_attempts";
const viewer = actorWith("viewer");
const operator = actorWith("operator");
const admin = actorWith("admin");

beforeEach(async () => {
  await clearAll(wh);
  await tripKey(wh, KEY);
});

const overrideInput = (request_id = "req-action-override-1") => ({ ...KEY, reason_code: "data_now_available", reason: "Box score landed; verified", request_id });
const resetInput = (request_id = "req-action-reset-1") => ({ ...KEY, reason: "Clearing history after the schedule fix", request_id, confirm: KEY.entity_id });
const FILTER = { date_from: "2026-11-01", date_to: "2026-11-25" };

describe("overrideBreaker", () => {
  it("refuses a viewer and a forged actor, and writes nothing", async () => {
    await expectRefusedWritingNothing(wh, () => overrideBreaker.runAs(viewer, overrideInput()), "forbidden");
    await expectRefusedWritingNothing(wh, () => overrideBreaker.runAs({ name: "x", role: "admin", via: "token" }, overrideInput()), "unauthorized");
  });

  it("refuses invalid input naming the field", async () => {
    await expectInvalidField(wh, () => overrideBreaker.runAs(operator, { ...overrideInput(), analysis_date: "2026-13-45" }), "analysis_date");
  });

  it("appends the override row and one audit record as the actor; the same request again is a replay", async () => {
    const before = await countRows(wh, ATTEMPTS);
    expect(await overrideBreaker.runAs(operator, overrideInput())).toMatchObject({ ok: true, replay: false, data: { change: { after: { status: "closed" } } } });
    expect(await countRows(wh, ATTEMPTS)).toBe(before + 1);
    expect(await auditOf(wh, "override")).toEqual([{ actor: "operator.demo", actor_role: "operator" }]);
    await expectReplayWritesNothing(wh, () => overrideBreaker.runAs(operator, overrideInput()));
  });
});

describe("resetBreaker", () => {
  it("refuses an operator, and invalid input naming the field", async () => {
    await expectRefusedWritingNothing(wh, () => resetBreaker.runAs(operator, resetInput()), "forbidden");
    await expectInvalidField(wh, () => resetBreaker.runAs(admin, { ...resetInput(), confirm: "someone else" }), "confirm");
  });

  it("leaves one reset row and one audit record; the same request again is a replay", async () => {
    expect(await resetBreaker.runAs(admin, resetInput())).toMatchObject({ ok: true, replay: false, data: { rowsRemoved: 3 } });
    expect(await countRows(wh, ATTEMPTS)).toBe(1);
    expect(await auditOf(wh, "reset")).toEqual([{ actor: "admin.demo", actor_role: "admin" }]);
    await expectReplayWritesNothing(wh, () => resetBreaker.runAs(admin, resetInput()));
  });
});

describe("restoreReset", () => {
  const restoreInput = (request_id = "req-action-restore-1") => ({ reset_request_id: "req-action-reset-1", reason: "The reset was applied to the wrong key", request_id, confirm: KEY.entity_id });

  it("refuses an operator, and invalid input naming the field", async () => {
    await resetBreaker.runAs(admin, resetInput());
    await expectRefusedWritingNothing(wh, () => restoreReset.runAs(operator, restoreInput()), "forbidden");
    await expectInvalidField(wh, () => restoreReset.runAs(admin, { ...restoreInput(), request_id: "" }), "request_id");
  });

  it("puts the deleted rows back with one audit record; the same request again is a replay", async () => {
    await resetBreaker.runAs(admin, resetInput());
    expect(await restoreReset.runAs(admin, restoreInput())).toMatchObject({ ok: true, replay: false, data: { rowsRestored: 3 } });
    expect(await countRows(wh, ATTEMPTS)).toBe(3);
    expect(await auditOf(wh, "restore")).toEqual([{ actor: "admin.demo", actor_role: "admin" }]);
    await expectReplayWritesNothing(wh, () => restoreReset.runAs(admin, restoreInput()));
  });
});

describe("bulk override (preview, apply) and describeOverride", () => {
  it("refuse a viewer, and invalid input naming the field", async () => {
    await expectRefusedWritingNothing(wh, () => previewBulkOverrideAction.runAs(viewer, FILTER), "forbidden");
    await expectRefusedWritingNothing(wh, () => applyBulkOverrideAction.runAs(viewer, { filter: FILTER }), "forbidden");
    await expectRefusedWritingNothing(wh, () => describeOverride.runAs(viewer, { processor: KEY.processor }), "forbidden");
    await expectInvalidField(wh, () => previewBulkOverrideAction.runAs(operator, { ...FILTER, date_from: "yesterday" }), "date_from");
    await expectInvalidField(wh, () => describeOverride.runAs(operator, { processor: "nope" }), "processor");
  });

  it("preview writes nothing; apply overrides the previewed keys with one audit record; the same request again is a replay", async () => {
    const before = await writtenRows(wh);
    const preview = await previewBulkOverrideAction.runAs(operator, FILTER);
    expect(await writtenRows(wh)).toEqual(before);
    if (!preview.ok) throw new Error(preview.error);
    expect(preview.data.changes).toHaveLength(1);
    const apply = { filter: FILTER, token: preview.data.token, reason_code: "scraper_outage_backfilled", reason: "Outage backfilled and verified", request_id: "req-action-bulk-1" };
    expect(await applyBulkOverrideAction.runAs(operator, apply)).toMatchObject({ ok: true, replay: false });
    expect(await countRows(wh, ATTEMPTS)).toBe(4);
    expect(await auditOf(wh, "bulk_override")).toEqual([{ actor: "operator.demo", actor_role: "operator" }]);
    await expectReplayWritesNothing(wh, () => applyBulkOverrideAction.runAs(operator, apply));
    expect(await describeOverride.runAs(operator, { processor: KEY.processor })).toMatchObject({ ok: true, data: { processor: KEY.processor, reader: "original" } });
  });
});
