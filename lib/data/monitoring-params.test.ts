import { describe, expect, it } from "vitest";

import { parseMonitoringParams } from "./monitoring";

describe("monitoring parameters out of the pipeline's range", () => {
  it.each([
    ["now", "0001-01-01T00:00:00Z"],
    ["now", "9999-12-31T23:59:59Z"],
    ["as_of", "0001-01-01"],
    ["as_of", "2999-01-01"],
  ])("refuses %s=%s as a client error naming it", (field, value) => {
    const parsed = parseMonitoringParams({ [field]: value });
    expect(parsed).toMatchObject({ ok: false, field });
  });

  it("accepts the pipeline's dates", () => {
    expect(parseMonitoringParams({ as_of: "2026-01-10", now: "2026-01-10T12:00:00Z" })).toMatchObject({ ok: true });
  });
});
