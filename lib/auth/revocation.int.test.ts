/**
 * Sign-out across replicas, on the embedded database: two processes are two SessionRevocations
 * (each its own cache) over one warehouse, since DuckDB lets one process hold a file. A sign-out
 * on one is refused there at once, on the other within the cache time, and by a restarted one at
 * its first check; the table holds the session's id, user and latest possible end.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Warehouse } from "@/lib/warehouse/types";
import { memoryWarehouse } from "@/test/support/fixtures";

import { REVOCATION_CACHE_MS, SessionRevocations } from "./revocation";
import { warehouseRevocationStorage } from "./revoked-sessions";
import { SESSION_MAX_MS } from "./session-policy";

let wh: Warehouse;
beforeAll(() => {
  wh = memoryWarehouse();
});
afterAll(async () => {
  await wh.close();
});

const now = Date.UTC(2026, 11, 7, 12);
const replica = () => new SessionRevocations(warehouseRevocationStorage(() => wh));

describe("revoked sessions in the warehouse", () => {
  it("reach every replica within the cache time, and survive a restart", async () => {
    const a = replica();
    const b = replica();
    expect(await b.isRevoked("sid-1", now)).toBe(false); // b has read the (empty) table
    await a.revoke({ sid: "sid-1", name: "maria.ops", loginAt: now - 3_600_000 }, now);

    expect(await a.isRevoked("sid-1", now)).toBe(true); // at once where it happened
    expect(await b.isRevoked("sid-1", now + REVOCATION_CACHE_MS - 1)).toBe(false); // b's copy is still fresh
    expect(await b.isRevoked("sid-1", now + REVOCATION_CACHE_MS)).toBe(true);
    expect(await replica().isRevoked("sid-1", now + 1)).toBe(true); // a restarted process
    expect(await replica().isRevoked("sid-2", now + 1)).toBe(false); // and only that session

    const rows = await wh.query("SELECT session_id, user_name, revoked_at, expires_at FROM nba_orchestration.revoked_sessions");
    expect(rows).toEqual([
      { session_id: "sid-1", user_name: "maria.ops", revoked_at: new Date(now).toISOString(), expires_at: new Date(now - 3_600_000 + SESSION_MAX_MS).toISOString() },
    ]);
  });

  it("forgets a revocation once its session could no longer be presented", async () => {
    await replica().revoke({ sid: "sid-3", name: "x", loginAt: now }, now);
    expect(await replica().isRevoked("sid-3", now + SESSION_MAX_MS - 1)).toBe(true);
    expect(await replica().isRevoked("sid-3", now + SESSION_MAX_MS)).toBe(false);
  });

  it("fails closed when the table cannot be read", async () => {
    const broken = new SessionRevocations(
      warehouseRevocationStorage(() => ({ ...wh, query: async () => Promise.reject(new Error("warehouse down")) })),
    );
    await expect(broken.isRevoked("sid-9", now)).rejects.toThrow("warehouse down");
  });
});
