/**
 * `latestOf`: how many breaker rows a run read and the latest `attempted_at` among them, compared
 * as instants (microseconds), whatever the rows' order or the strings' zone notation. Mutants
 * that kept the first row, or the earliest, survived the engine's integration tests.
 */
import { describe, expect, it } from "vitest";

import { latestOf } from "./run-processor";

describe("latestOf", () => {
  it("reads nothing: no rows, no instant", () => {
    expect(latestOf([])).toEqual({ rowCount: 0, lastAttemptAt: null });
  });

  it("finds the latest instant in any order, as stored", () => {
    const rows = ["2024-12-13T10:00:00.000Z", "2024-12-14T09:00:00.000001Z", "2024-12-14T09:00:00Z", "2024-12-12T23:59:59.999Z"].map((attempted_at) => ({ attempted_at }));
    expect(latestOf(rows)).toEqual({ rowCount: 4, lastAttemptAt: "2024-12-14T09:00:00.000001Z" });
    expect(latestOf([...rows].reverse())).toEqual({ rowCount: 4, lastAttemptAt: "2024-12-14T09:00:00.000001Z" });
  });

  it("compares instants, not strings: an offset that sorts first as text is the later instant", () => {
    const rows = [{ attempted_at: "2024-12-14T09:00:00Z" }, { attempted_at: "2024-12-14T08:30:00-01:00" }];
    expect(latestOf(rows).lastAttemptAt).toBe("2024-12-14T08:30:00-01:00");
  });

  it("keeps the first of two rows at the same instant", () => {
    const rows = [{ attempted_at: "2024-12-14T09:00:00Z" }, { attempted_at: "2024-12-14T09:00:00.000Z" }];
    expect(latestOf(rows).lastAttemptAt).toBe("2024-12-14T09:00:00Z");
  });
});
