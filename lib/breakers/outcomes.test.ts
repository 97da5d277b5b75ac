import { describe, expect, it } from "vitest";

import { countOutcomes, outcomeSummary } from "./outcomes";

describe("outcome counts", () => {
  it("count every outcome, zeros included, and say the present ones in the vocabulary's order", () => {
    const counts = countOutcomes(["pending", "processed", "removed", "processed", null, undefined, "re_tripped"]);
    expect(counts).toEqual({ processed: 2, failed_again: 0, re_tripped: 1, pending: 1, removed: 1 });
    expect(outcomeSummary(counts)).toBe("2 processed, 1 re-tripped, 1 pending (no run since), 1 removed by a reset");
    expect(outcomeSummary(countOutcomes([]))).toBe("");
  });
});
