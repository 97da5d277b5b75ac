import { describe, expect, it } from "vitest";

import { type RecordedFailure, morningVerdict } from "./faults";

const NOW = "2026-12-07T10:00:00.000Z";
const BEFORE = "2026-12-06T13:00:00.000Z";
const AFTER = "2026-12-08T15:00:00.000Z";
const none = () => false;
const all = () => true;

function failure(windows: RecordedFailure["windows"], waitsFor: RecordedFailure["waitsFor"] = []): RecordedFailure {
  return { threshold: 90, windows, waitsFor };
}

describe("morningVerdict", () => {
  it("recovered when the games a window lacked have landed by now", () => {
    expect(morningVerdict(failure([{ expected: 5, actual: 3, missingLandsAt: [BEFORE, BEFORE] }]), NOW, none)).toBe("recovered");
  });

  it("still missing when a game lands only after now, or never (a player's row that never arrives)", () => {
    expect(morningVerdict(failure([{ expected: 5, actual: 3, missingLandsAt: [BEFORE, AFTER] }]), NOW, all)).toBe("still_missing");
    expect(morningVerdict(failure([{ expected: 5, actual: 4, missingLandsAt: [null] }]), NOW, all)).toBe("still_missing");
  });

  it("compares the unrounded share with the threshold: 9 of 10 is ready, 17 of 19 is not", () => {
    expect(morningVerdict(failure([{ expected: 10, actual: 8, missingLandsAt: [BEFORE, AFTER] }]), NOW, none)).toBe("recovered");
    expect(morningVerdict(failure([{ expected: 19, actual: 16, missingLandsAt: [BEFORE, AFTER, AFTER] }]), NOW, none)).toBe("still_missing");
  });

  it("needs every window: one still short keeps the key missing data; a window expecting no game is ready", () => {
    const windows = [
      { expected: 5, actual: 4, missingLandsAt: [BEFORE] },
      { expected: 10, actual: 7, missingLandsAt: [BEFORE, AFTER, AFTER] },
      { expected: 0, actual: 0, missingLandsAt: [] },
    ];
    expect(morningVerdict(failure(windows), NOW, all)).toBe("still_missing");
    expect(morningVerdict(failure([windows[0]!, windows[2]!]), NOW, all)).toBe("recovered");
  });

  it("a cascade key with its own data is waiting until every upstream key it waits for has a ready row", () => {
    const waits: RecordedFailure["waitsFor"] = [
      { processor: "player_daily_cache", entity: "lebronjames" },
      { processor: "team_defense_zone_analysis", entity: "BOS" },
    ];
    const own = [{ expected: 10, actual: 10, missingLandsAt: [] }];
    expect(morningVerdict(failure(own, waits), NOW, (p) => p === "player_daily_cache")).toBe("cascade_waiting");
    expect(morningVerdict(failure(own, waits), NOW, all)).toBe("recovered");
    // An upstream with no key to read (no opponent that day) is never ready.
    expect(morningVerdict(failure(own, [{ processor: "upcoming_team_game_context", entity: undefined }]), NOW, all)).toBe("cascade_waiting");
  });
});
