/**
 * The sort order of verdicts in the Active and About-to-trip lists: safe first, then data ready,
 * then waiting on upstreams, then by the games still missing (fewest first), no verdict last.
 * Ranks are compared, not their values, so the order is what is held.
 */
import { describe, expect, it } from "vitest";

import { type KeyVerdict, verdictRank } from "./verdict";

const verdict = (v: Partial<KeyVerdict>): KeyVerdict => ({ safe: false, data: "missing_data", missing_games: 0, waiting_for: [], text: "", ...v });

describe("verdictRank", () => {
  it("ranks safe < data ready < waiting on upstream < missing games (fewest first) < no verdict", () => {
    const ordered = [
      verdict({ safe: true, data: "ready" }),
      verdict({ data: "ready" }),
      verdict({ data: "waiting_upstream", waiting_for: ["team_defense_zone_analysis"] }),
      verdict({ data: "missing_data", missing_games: 1 }),
      verdict({ data: "missing_data", missing_games: 2 }),
      verdict({ data: "missing_data", missing_games: 30 }),
      null,
    ];
    const ranks = ordered.map(verdictRank);
    for (let i = 1; i < ranks.length; i++) expect(ranks[i - 1]).toBeLessThan(ranks[i]!);
  });

  it("a safe verdict ranks first whatever its data says", () => {
    expect(verdictRank(verdict({ safe: true, data: "ready" }))).toBeLessThan(verdictRank(verdict({ safe: false, data: "ready" })));
  });
});
