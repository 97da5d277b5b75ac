import { describe, expect, it } from "vitest";

import { dataVerdict, keyVerdict, verdictRank } from "./verdict";

const base = { status: "active" as const, ownReady: true, cascadeReady: true, notReady: [], missingGames: 0 };

describe("keyVerdict", () => {
  it("is safe only for an active key whose own windows and upstreams are ready", () => {
    expect(keyVerdict(base)).toEqual({ safe: true, data: "ready", missing_games: 0, waiting_for: [], text: "Safe to override" });
    for (const status of ["closed", "failing", "half_open"] as const) {
      expect(keyVerdict({ ...base, status }).safe).toBe(false);
    }
    expect(keyVerdict({ ...base, status: "failing" }).text).toBe("data ready: passes on its next run");
  });

  it("names the games still missing first, even when upstreams are not ready either", () => {
    const v = keyVerdict({ ...base, ownReady: false, cascadeReady: false, notReady: ["team_defense_zone_analysis"], missingGames: 3 });
    expect(v).toEqual({ safe: false, data: "missing_data", missing_games: 3, waiting_for: [], text: "3 games still missing" });
    expect(keyVerdict({ ...base, ownReady: false, missingGames: 1 }).text).toBe("1 game still missing");
  });

  it("names the upstream processors a cascade key waits for", () => {
    const v = keyVerdict({ ...base, cascadeReady: false, notReady: ["team_defense_zone_analysis", "player_daily_cache"] });
    expect(v).toMatchObject({ safe: false, data: "waiting_upstream", waiting_for: ["team_defense_zone_analysis", "player_daily_cache"] });
    expect(v.text).toBe("waiting for upstream: team_defense_zone_analysis, player_daily_cache");
  });

  it("never says safe for own data below the threshold, whatever the upstreams", () => {
    expect(dataVerdict({ ownReady: false, cascadeReady: true })).toBe("missing_data");
    expect(keyVerdict({ ...base, ownReady: false }).text).toBe("data below the threshold");
  });

  it("sorts safe first, then data ready, then waiting on upstreams, then by games missing", () => {
    const verdicts = [
      keyVerdict({ ...base, ownReady: false, missingGames: 5 }),
      null,
      keyVerdict({ ...base, cascadeReady: false, notReady: ["player_daily_cache"] }),
      keyVerdict({ ...base, ownReady: false, missingGames: 1 }),
      keyVerdict(base),
    ];
    const sorted = [...verdicts].sort((a, b) => verdictRank(a) - verdictRank(b)).map((v) => v?.text ?? null);
    expect(sorted).toEqual(["Safe to override", "waiting for upstream: player_daily_cache", "1 game still missing", "5 games still missing", null]);
  });
});
