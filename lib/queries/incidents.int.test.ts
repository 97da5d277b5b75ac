import { afterAll, describe, expect, it } from "vitest";

import { memoryWarehouse } from "@/test/support/fixtures";

import { incidentDataVersion } from "./incidents";

describe("incidentDataVersion", () => {
  const wh = memoryWarehouse();
  afterAll(() => wh.close());

  it("reads a fingerprint of an empty warehouse: every source counts 0 rows", async () => {
    const rows = await incidentDataVersion.run(wh, { date_from: "2026-11-01", date_to: "2026-11-30", games_from: "2026-10-01" });
    expect(rows.map((r) => [r.source, r.row_count]).sort()).toEqual(
      [
        ["bdl_player_boxscores", 0],
        ["nbac_schedule", 0],
        ["outputs", 0],
        ["player_game_summary", 0],
        ["reprocess_attempts", 0],
        ["team_defense_game_summary", 0],
      ],
    );
  });
});
