/**
 * GET /api/health on the built console: 200 when the warehouse answers and holds everything the
 * console needs, 503 naming the missing tables and columns when it does not (a SELECT 1 alone
 * answered 200 while every query failed).
 */
import { afterAll, describe, expect, it } from "vitest";

import { type TempDatabase, prepareDatabase, startConsole } from "@/test/support/console-server";

const databases: TempDatabase[] = [];
afterAll(() => databases.forEach((db) => db.remove()));

async function healthOf(seed?: Parameters<typeof prepareDatabase>[0]) {
  const db = await prepareDatabase(seed);
  databases.push(db);
  const server = await startConsole({ dbPath: db.path, waitFor: "listening" });
  try {
    const response = await fetch(`${server.url}/api/health`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  } finally {
    await server.stop();
  }
}

describe("GET /api/health", () => {
  it("answers 200 on a complete database", async () => {
    const { status, body } = await healthOf();
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "ok", warehouse: "embedded" });
  }, 90_000);

  // On the embedded database the console creates a missing table on open (CREATE TABLE IF NOT
  // EXISTS), but never a column of a table it did not create: a file built from a pipeline's
  // tables that lacks one is reported. (Missing tables: lib/warehouse/original-file.int.test.ts.)
  it("answers 503 naming the columns the console needs and the warehouse lacks", async () => {
    const { status, body } = await healthOf(async (wh) => {
      await wh.execute("ALTER TABLE nba_raw.nbac_schedule DROP COLUMN away_team_tricode");
      await wh.execute("ALTER TABLE nba_precompute.player_daily_cache DROP COLUMN l7d_is_complete");
    });
    expect(status).toBe(503);
    expect(body).toMatchObject({
      status: "unavailable",
      missing: { tables: [], columns: ["nba_raw.nbac_schedule.away_team_tricode", "nba_precompute.player_daily_cache.l7d_is_complete"] },
    });
    expect(String(body.reason)).toMatch(/column nba_raw\.nbac_schedule\.away_team_tricode, column nba_precompute\.player_daily_cache\.l7d_is_complete/);
  }, 90_000);
});
