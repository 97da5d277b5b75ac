/**
 * The demo builder must not replace a database another console is using, nor one holding writes
 * the console made: a lock file with a live pid refuses; console writes need --force and leave
 * a copy.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

import { afterEach, describe, expect, it } from "vitest";

import { auditRecord } from "@/lib/engine/breaker-writes";
import { type TempDatabase, prepareDatabase } from "@/test/support/console-server";
import { attemptRow, insertAttempts } from "@/test/support/fixtures";

import { DEMO_OPERATORS } from "./build";
import { countConsoleWrites } from "./console-writes";
import { DatabaseLockedError, acquireDatabaseLock, keepCopy, lockPath, takeOverStale } from "./db-lock";

const DEMO_ACTORS = Object.values(DEMO_OPERATORS).map((o) => o.actor);
let db: TempDatabase | undefined;
afterEach(() => db?.remove());

describe("the database lock", () => {
  it("a process that found the lock stale never removes the fresh lock another one took meanwhile", async () => {
    db = await prepareDatabase();
    const file = lockPath(db.path);
    // Both found a dead owner; the other process took over first and wrote its own (live) lock.
    writeFileSync(file, `${JSON.stringify({ pid: process.pid, at: new Date().toISOString() })}\n`);
    takeOverStale(file); // this one's takeover, a moment late
    expect(JSON.parse(readFileSync(file, "utf8")).pid).toBe(process.pid);
    expect(() => acquireDatabaseLock(db!.path, { pid: 1 })).toThrow(DatabaseLockedError);
    // A really stale one goes.
    writeFileSync(file, `${JSON.stringify({ pid: 2 ** 22 + 12345, at: "2020-01-01T00:00:00.000Z" })}\n`);
    takeOverStale(file);
    expect(existsSync(file)).toBe(false);
  });

  it("refuses while another live process holds it, and takes over a dead owner's", async () => {
    db = await prepareDatabase();
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      writeFileSync(lockPath(db.path), JSON.stringify({ pid: other.pid }));
      expect(() => acquireDatabaseLock(db!.path)).toThrow(DatabaseLockedError);
      expect(() => acquireDatabaseLock(db!.path)).toThrow(new RegExp(`pid ${other.pid}`));
      // The npm start that runs the builder holds it for it.
      expect(() => acquireDatabaseLock(db!.path, { allowHolder: other.pid })).not.toThrow();
    } finally {
      other.kill();
      await new Promise((r) => other.once("exit", r));
    }
    const lock = acquireDatabaseLock(db.path); // the owner is gone: stale
    expect(JSON.parse(readFileSync(lockPath(db.path), "utf8")).pid).toBe(process.pid);
    lock.release();
    expect(existsSync(lockPath(db.path))).toBe(false);
  });

  it("is taken before the database exists, on a fresh clone without its directory", async () => {
    db = await prepareDatabase();
    const fresh = `${db.dir}/not-yet/console.duckdb`;
    const lock = acquireDatabaseLock(fresh);
    expect(existsSync(lockPath(fresh))).toBe(true);
    lock.release();
  });
});

describe("console writes", () => {
  it("counts rows the console wrote, not the demo's own operators' or the processors'", async () => {
    db = await prepareDatabase(async (wh) => {
      await insertAttempts(wh, [
        attemptRow({ processor_name: "player_daily_cache", entity_id: "a", analysis_date: "2026-01-01", attempt_number: 1, attempted_at: "2026-01-02T00:00:00Z", event_type: "failure" }),
        attemptRow({ processor_name: "player_daily_cache", entity_id: "a", analysis_date: "2026-01-01", attempt_number: 2, attempted_at: "2026-01-03T00:00:00Z", event_type: "override", actor: "maria.ops" }),
      ]);
    });
    expect(await countConsoleWrites(db.path, DEMO_ACTORS)).toBe(0);
    db.remove();
    db = await prepareDatabase(async (wh) => {
      await insertAttempts(wh, [
        attemptRow({ processor_name: "player_daily_cache", entity_id: "a", analysis_date: "2026-01-01", attempt_number: 2, attempted_at: "2026-01-03T00:00:00Z", event_type: "override", actor: "operator" }),
      ]);
    });
    expect(await countConsoleWrites(db.path, DEMO_ACTORS)).toBe(1);
    const copy = keepCopy(db.path, "test");
    expect(existsSync(copy)).toBe(true);
  });

  it("does not count a simulated pipeline pass's audit record, whoever asked for it", async () => {
    const record = (action: "demo_advance" | "override") =>
      auditRecord({ action, actor: "admin", role: "admin", requestId: `r-${action}`, reasonCode: null, reason: "x", now: "2026-01-04T00:00:00.000Z", changes: [], fingerprint: "f" });
    db = await prepareDatabase((wh) => wh.transaction([record("demo_advance")]).then(() => undefined));
    expect(await countConsoleWrites(db.path, DEMO_ACTORS)).toBe(0);
    db.remove();
    db = await prepareDatabase((wh) => wh.transaction([record("demo_advance"), record("override")]).then(() => undefined));
    expect(await countConsoleWrites(db.path, DEMO_ACTORS)).toBe(1);
  });
});
