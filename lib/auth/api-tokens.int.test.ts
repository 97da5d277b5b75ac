/**
 * API tokens on an in-memory embedded database: create (shown once, stored as a hash), look up,
 * revoke (at once on this process), never reuse a name; lookups cached within a bound.
 */
import { describe, expect, it } from "vitest";

import { consoleWarehouseForFile } from "@/test/support/console-warehouse";
import { countingWarehouse } from "@/test/support/fixtures";

import { actorOfToken, createToken, listTokens, revokeToken } from "./api-tokens";
import { generateToken, hashToken } from "./token-format";

const inner = consoleWarehouseForFile();

describe("API tokens", () => {
  it("creates a token whose secret is returned once and stored only as its hash", async () => {
    const created = await createToken({ name: "ci-bot", role: "operator" }, "admin");
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    const rows = await inner.query<{ token_sha256: string }>("SELECT * FROM nba_orchestration.api_tokens");
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(created.data.token);
    expect(rows[0]!.token_sha256).toBe(hashToken(created.data.token));
    expect(await actorOfToken(created.data.token, inner)).toEqual({ name: "token:ci-bot", role: "operator", via: "token" });
    expect((await listTokens(inner)).map((t) => [t.name, t.role, t.source])).toEqual([["ci-bot", "operator", "table"]]);
  });

  it("refuses a name already used, even once revoked", async () => {
    expect(await createToken({ name: "ci-bot", role: "admin" }, "admin")).toMatchObject({ ok: false, error: "conflict" });
    const other = await createToken({ name: "short-lived", role: "viewer" }, "admin");
    if (!other.ok) throw new Error("not created");
    expect(await revokeToken("short-lived", "admin")).toMatchObject({ ok: true, replay: false });
    expect(await actorOfToken(other.data.token, inner)).toBeNull();
    expect(await revokeToken("short-lived", "admin")).toMatchObject({ ok: true, replay: true });
    expect(await createToken({ name: "short-lived", role: "viewer" }, "admin")).toMatchObject({ ok: false, error: "conflict" });
    expect(await revokeToken("never-made", "admin")).toMatchObject({ ok: false, error: "not_found" });
  });

  it("reads the table once per token and TTL, for known and unknown tokens; malformed ones never", async () => {
    const { wh, counts } = countingWarehouse(inner);
    const unknown = generateToken();
    const now = Date.now();
    expect(await actorOfToken(unknown, wh, now)).toBeNull();
    expect(await actorOfToken(unknown, wh, now + 1_000)).toBeNull();
    expect(counts.query).toBe(1);
    expect(await actorOfToken(unknown, wh, now + 31_000)).toBeNull();
    expect(counts.query).toBe(2);
    expect(await actorOfToken("cct_short", wh, now)).toBeNull();
    expect(await actorOfToken("Bearer nonsense", wh, now)).toBeNull();
    expect(counts.query).toBe(2);
  });
});
