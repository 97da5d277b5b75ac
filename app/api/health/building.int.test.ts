/**
 * GET /api/health while `npm start` builds the demo database: 503 with the build's progress, and
 * the database file is never opened (nor created) until the status is cleared — then the first
 * request opens the finished file and reports it as usual.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { clearBuildStatus, writeBuildStatus } from "@/lib/warehouse/build-status";

const dir = mkdtempSync(join(tmpdir(), "health-building-"));
const db = join(dir, "console.duckdb");
let GET: typeof import("./route").GET;
let getWarehouse: typeof import("@/lib/warehouse").getWarehouse;

beforeAll(async () => {
  process.env.WAREHOUSE = "embedded";
  process.env.EMBEDDED_DB_PATH = db;
  ({ GET } = await import("./route"));
  ({ getWarehouse } = await import("@/lib/warehouse"));
});
afterAll(async () => {
  await getWarehouse().close();
  rmSync(dir, { recursive: true, force: true });
});

describe("GET /api/health while the demo database is built", () => {
  it("answers 503 with the build's progress, and leaves the database file alone", async () => {
    const startedAt = new Date(Date.now() - 12_000).toISOString();
    writeBuildStatus(db, { state: "building", pid: process.pid, startedAt, updatedAt: startedAt, step: "simulating the pipeline night by night", nights: { done: 7, total: 139 }, date: "2026-07-27" });
    const response = await GET();
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    const body = await response.json();
    expect(body).toMatchObject({ status: "starting", warehouse: "embedded", build: { state: "building", nightsDone: 7, nightsTotal: 139, percent: 5 } });
    expect(body.build.elapsedSeconds).toBeGreaterThanOrEqual(12);
    // Nothing it says names a file.
    expect(JSON.stringify(body)).not.toContain(dir);
    await expect(getWarehouse().query("SELECT 1 AS ok")).rejects.toThrow(/still being built/);
    expect(existsSync(db)).toBe(false);
  });

  it("says a failed build failed", async () => {
    const at = new Date().toISOString();
    writeBuildStatus(db, { state: "failed", pid: process.pid, startedAt: at, updatedAt: at, step: "the demo database could not be built", nights: null, date: null });
    const response = await GET();
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: "build_failed", build: { state: "failed" } });
    expect(existsSync(db)).toBe(false);
  });

  it("opens the database on the first request after the build, and reports it as usual", async () => {
    clearBuildStatus(db);
    const response = await GET();
    expect(await response.json()).toMatchObject({ status: "ok", warehouse: "embedded" });
    expect(response.status).toBe(200);
    expect(existsSync(db)).toBe(true);
  }, 60_000);
});
