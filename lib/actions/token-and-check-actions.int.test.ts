/**
 * The token verbs and the check service's verbs through their exported entries (`runAs`, as the
 * API routes call them), against an in-memory embedded database: a role that may not is
 * refused, invalid input is refused naming the field with nothing written, a token is created
 * (its secret once, its hash stored) and revoked, and revoking it again is a replay that writes
 * nothing. The check service's decisions and rows are proved in lib/engine/checks.int.test.ts
 * and app/api/v1/checks/routes.int.test.ts; here, who may call it and what it refuses.
 */
import { beforeEach, describe, expect, it } from "vitest";

import { createApiToken, revokeApiToken } from "@/lib/actions/api-tokens";
import { checkProcessorRun, reportRunOutcomes } from "@/lib/actions/checks";
import { actorWith, expectInvalidField, expectRefusedWritingNothing } from "@/test/support/action-cases";
import { consoleWarehouseForFile, writtenRows } from "@/test/support/console-warehouse";
import { clearAll } from "@/test/support/fixtures";

const wh = consoleWarehouseForFile();
beforeEach(async () => {
  await clearAll(wh);
});

const TOKENS = "nba_orchestration.api_tokens";
const operator = actorWith("operator");
const admin = actorWith("admin");
const pipeline = actorWith("pipeline", "token:nightly");

describe("createApiToken and revokeApiToken", () => {
  it("refuse an operator and a pipeline token, and invalid input naming the field", async () => {
    await expectRefusedWritingNothing(wh, () => createApiToken.runAs(operator, { name: "ci", role: "viewer" }), "forbidden");
    await expectRefusedWritingNothing(wh, () => revokeApiToken.runAs(pipeline, { name: "ci" }), "forbidden");
    await expectInvalidField(wh, () => createApiToken.runAs(admin, { name: "CI!", role: "viewer" }), "name");
    await expectInvalidField(wh, () => createApiToken.runAs(admin, { name: "ci", role: "viewer", processor: "player_daily_cache" }), "processor");
  });

  it("create stores the hash only; revoke again is a replay that writes nothing", async () => {
    const created = await createApiToken.runAs(admin, { name: "ci", role: "viewer" });
    expect(created).toMatchObject({ ok: true, replay: false, data: { name: "ci", role: "viewer", token: expect.stringMatching(/^cct_/) } });
    const [row] = await wh.query<{ created_by: string; token_sha256: string }>(`SELECT created_by, token_sha256 FROM ${TOKENS}`);
    expect(row).toMatchObject({ created_by: "admin.demo", token_sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await createApiToken.runAs(admin, { name: "ci", role: "admin" })).toMatchObject({ ok: false, code: "conflict" });

    expect(await revokeApiToken.runAs(admin, { name: "ci" })).toMatchObject({ ok: true, replay: false, data: { name: "ci", revoked_by: "admin.demo" } });
    const before = await writtenRows(wh);
    expect(await revokeApiToken.runAs(admin, { name: "ci" })).toMatchObject({ ok: true, replay: true });
    expect(await writtenRows(wh)).toEqual(before);
    expect(await revokeApiToken.runAs(admin, { name: "nobody" })).toMatchObject({ ok: false, code: "not_found" });
  });
});

describe("checkProcessorRun and reportRunOutcomes", () => {
  const check = { processor: "player_daily_cache", analysis_date: "2026-11-20", run_id: "run-action-1" };

  it("are for pipeline tokens only: an admin is refused, and nothing is written", async () => {
    await expectRefusedWritingNothing(wh, () => checkProcessorRun.runAs(admin, check), "forbidden");
    await expectRefusedWritingNothing(wh, () => reportRunOutcomes.runAs(admin, { ...check, outcomes: [] }), "forbidden");
  });

  it("refuse invalid input naming the field, and write nothing", async () => {
    await expectInvalidField(wh, () => checkProcessorRun.runAs(pipeline, { ...check, analysis_date: "2026-02-30" }), "analysis_date");
    await expectInvalidField(wh, () => reportRunOutcomes.runAs(pipeline, { ...check, outcomes: [{ entity_id: "lebronjames", outcome: "failed" }] }), "outcomes.0.reason");
  });
});
