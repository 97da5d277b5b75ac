import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { type BuildStatus, buildProgressView, buildStatusPath, clearBuildStatus, databaseBuilding, readBuildStatus, writeBuildStatus } from "./build-status";

let dir: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "build-status-"));
  db = join(dir, "console.duckdb");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const status = (over: Partial<BuildStatus> = {}): BuildStatus => ({
  state: "building",
  pid: process.pid,
  startedAt: "2026-12-07T10:00:00.000Z",
  updatedAt: "2026-12-07T10:00:30.000Z",
  step: "simulating the pipeline night by night",
  nights: { done: 42, total: 139 },
  date: "2026-08-31",
  ...over,
});

/** A pid no process has: one that has just exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(child.stdout.toString());
}

describe("the build status beside the database", () => {
  it("is read back as written, and nothing is building without one", () => {
    expect(readBuildStatus(db)).toBeNull();
    expect(databaseBuilding(db)).toBe(false);
    writeBuildStatus(db, status());
    expect(readBuildStatus(db)).toEqual(status());
    expect(databaseBuilding(db)).toBe(true);
    expect(buildStatusPath(db)).toBe(`${db}.build.json`);
  });

  it("is replaced whole (a temporary file renamed over it), leaving no temporary file behind", () => {
    writeBuildStatus(db, status({ state: "preparing", nights: null, date: null }));
    writeBuildStatus(db, status({ nights: { done: 43, total: 139 } }));
    expect(readBuildStatus(db)?.nights).toEqual({ done: 43, total: 139 });
    expect(readdirSync(dir)).toEqual(["console.duckdb.build.json"]);
  });

  it("counts a failed build as building (the database is still not to be opened)", () => {
    writeBuildStatus(db, status({ state: "failed", nights: null }));
    expect(readBuildStatus(db)?.state).toBe("failed");
    expect(databaseBuilding(db)).toBe(true);
  });

  it("is gone once cleared (the build is over)", () => {
    writeBuildStatus(db, status());
    clearBuildStatus(db);
    expect(existsSync(buildStatusPath(db))).toBe(false);
    expect(databaseBuilding(db)).toBe(false);
    clearBuildStatus(db); // twice is fine
  });

  it("is no status when its owner has exited, or when it is not a status", () => {
    writeBuildStatus(db, status({ pid: deadPid() }));
    expect(readBuildStatus(db)).toBeNull();
    for (const text of ["{", "null", "{}", JSON.stringify({ ...status(), state: "done" }), JSON.stringify({ ...status(), nights: { done: "x" } })]) {
      writeFileSync(buildStatusPath(db), text);
      expect(readBuildStatus(db), text).toBeNull();
    }
  });

  it("shows nights, whole percent and seconds elapsed as the terminal does", () => {
    expect(buildProgressView(status(), Date.parse("2026-12-07T10:01:05.400Z"))).toEqual({
      state: "building",
      step: "simulating the pipeline night by night",
      nightsDone: 42,
      nightsTotal: 139,
      percent: 30,
      date: "2026-08-31",
      elapsedSeconds: 65,
    });
    expect(buildProgressView(status({ nights: null, date: null }), Date.parse("2026-12-07T09:59:00Z"))).toMatchObject({ nightsDone: null, percent: null, elapsedSeconds: 0 });
  });
});
