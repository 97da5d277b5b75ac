/**
 * The write schemas' dates: only days that exist, 2000-01-01 … 2100-12-31. V8's Date.parse
 * rolls 2026-02-30 over to March instead of refusing it; before the calendar check such a date
 * reached the warehouse and came back as a 500 (found by app/api/v1/breakers/hostile.int.test.ts).
 */
import { describe, expect, it } from "vitest";

import { bulkApplyInput, bulkFilter, bulkSelection, isIncidentSelection, overrideInput } from "./schemas";

const body = (analysis_date: string) => ({
  processor: "player_daily_cache",
  entity_id: "lebronjames",
  analysis_date,
  reason_code: "data_now_available",
  reason: "Box score landed; verified",
  request_id: "req-12345678",
});

describe("dates in write inputs", () => {
  it.each(["2026-02-30", "2026-02-31", "2025-04-31", "2026-06-31", "2026-09-31", "2026-11-31", "2026-02-29", "2100-02-29", "2026-00-10", "2026-13-01", "2026-12-32", "2026-12-00"])(
    "refuses %s, a day that does not exist",
    (date) => {
      const parsed = overrideInput.safeParse(body(date));
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.path).toEqual(["analysis_date"]);
    },
  );

  it.each(["2024-02-29", "2000-02-29", "2026-12-31", "2000-01-01", "2100-12-31"])("accepts %s", (date) => {
    expect(overrideInput.safeParse(body(date)).success).toBe(true);
  });

  it("refuses an impossible day inside a short bulk range (the range rule alone would pass it)", () => {
    const parsed = bulkFilter.safeParse({ date_from: "2026-02-28", date_to: "2026-02-30" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join("."))).toContain("date_to");
  });
});

describe("a bulk selection: a filter, or one incident by id", () => {
  it("reads a filter as a filter and an incident as an incident", () => {
    const filter = bulkSelection.parse({ date_from: "2026-12-01", date_to: "2026-12-05" });
    expect(isIncidentSelection(filter)).toBe(false);
    const incident = bulkSelection.parse({ incident: "upstream_gap-nba_raw.bdl_player_boxscores-2026-12-03" });
    expect(isIncidentSelection(incident)).toBe(true);
  });

  it.each([
    ["keys sent beside the incident (the server chooses them)", { incident: "inc-1", entities: ["lebronjames"] }],
    ["an incident and a date range together", { incident: "inc-1", date_from: "2026-12-01", date_to: "2026-12-05" }],
    ["an id with a path or a quote in it", { incident: "../inc'1" }],
    ["an empty id", { incident: "" }],
  ])("refuses %s", (_what, body) => {
    expect(bulkSelection.safeParse(body).success).toBe(false);
  });

  it("names the field at fault: the id for an incident, the date for a filter", () => {
    expect(bulkSelection.safeParse({ incident: "a b" }).error?.issues[0]?.path).toEqual(["incident"]);
    expect(bulkSelection.safeParse({ date_from: "yesterday", date_to: "2026-12-05" }).error?.issues[0]?.path).toEqual(["date_from"]);
  });

  it("an apply carries the same selection", () => {
    const apply = { token: "t".repeat(43), reason_code: "data_now_available", reason: "Backfill verified in the recheck", request_id: "req-12345678" };
    expect(bulkApplyInput.safeParse({ ...apply, filter: { incident: "inc-1" } }).success).toBe(true);
    expect(bulkApplyInput.safeParse({ ...apply, filter: { incident: "inc-1", only_recovered: true } }).success).toBe(false);
  });
});

describe("reasons that could lie to the reader", () => {
  const base = { processor: "player_daily_cache", entity_id: "lebronjames", analysis_date: "2026-01-10", reason_code: "other", request_id: "req-12345678" };

  it("strips bidi overrides and control characters before storing", () => {
    const parsed = overrideInput.parse({ ...base, reason: "checked the\u202E backfill\u0000 rows\u200F today" });
    expect(parsed.reason).toBe("checked the backfill rows today");
  });

  it("says so when the reason becomes too short once they are stripped", () => {
    const result = overrideInput.safeParse({ ...base, reason: "ok\u202E\u202E\u202E\u202E\u202E\u202E\u202E\u202E\u202E" });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toMatch(/control or direction-override characters were removed/);
  });

  it("strips zero-width characters and line separators too, and does not blame them for folded spaces", () => {
    expect(overrideInput.parse({ ...base, reason: "checked\u200B the\u2028backfill\uFEFF rows" }).reason).toBe("checked the backfill rows");
    const short = overrideInput.safeParse({ ...base, reason: "ok   fine" });
    expect(short.success).toBe(false);
    expect(short.error!.issues[0]!.message).not.toMatch(/were removed/);
  });

  it("keeps ordinary text, accents and emoji", () => {
    expect(overrideInput.parse({ ...base, reason: "Vérifié le backfill ✅ — OK" }).reason).toBe("Vérifié le backfill ✅ — OK");
  });
});
