import { describe, expect, it } from "vitest";

import { DEMO_FORMAT, type DemoMetadata, rebuildReason } from "./metadata";
import { planDemoSeason } from "./plan";

const today = "2026-12-07";
const meta = (over: Partial<DemoMetadata> & { profile?: "console" | "original" }): DemoMetadata => ({
  format: DEMO_FORMAT,
  plan: { ...planDemoSeason(today), ...(over.profile ? { profile: over.profile } : {}) },
  builtAt: `${today}T01:00:00.000Z`,
  buildSeconds: 1,
  summary: {},
  ...over,
});
const base = { mode: "ensure" as const, exists: true, today, dbPath: "data/x.duckdb" };

describe("rebuildReason (what `ensure` does with an existing demo database)", () => {
  it("keeps a fresh database of the requested profile and format", () => {
    expect(rebuildReason({ ...base, meta: meta({ profile: "original" }), profile: "original" })).toBeNull();
    expect(rebuildReason({ ...base, meta: meta({ profile: "console" }), profile: "console" })).toBeNull();
  });

  it("reads a database built before profiles as the console profile", () => {
    expect(rebuildReason({ ...base, meta: meta({}), profile: "console" })).toBeNull();
    expect(rebuildReason({ ...base, meta: meta({}), profile: "original" })).toMatch(/console profile and original was asked for/);
  });

  it("rebuilds when the requested profile differs", () => {
    expect(rebuildReason({ ...base, meta: meta({ profile: "original" }), profile: "console" })).toMatch(/original profile and console/);
    // Not asked for (no --profile, no DEMO_PROFILE): the file is served as built, whichever profile it holds.
    expect(rebuildReason({ ...base, meta: meta({ profile: "original" }), profile: null })).toBeNull();
    expect(rebuildReason({ ...base, meta: meta({ profile: "console" }), profile: null })).toBeNull();
  });

  it("rebuilds a database of an older format (absent = 1)", () => {
    expect(rebuildReason({ ...base, meta: meta({ format: undefined }), profile: "console" })).toMatch(/format 1, this version builds format 2/);
    expect(DEMO_FORMAT).toBe(2);
  });

  it("rebuilds a stale database, a missing one, and always on rebuild; never touches a file without metadata", () => {
    const old = meta({});
    old.plan = { ...old.plan, simulateThrough: "2026-12-01" };
    expect(rebuildReason({ ...base, meta: old, profile: "console" })).toMatch(/5 days old/);
    expect(rebuildReason({ ...base, exists: false, meta: null, profile: "console" })).toMatch(/no database/);
    expect(rebuildReason({ ...base, mode: "rebuild", meta: meta({}), profile: "console" })).toBe("rebuild requested");
    expect(rebuildReason({ ...base, meta: null, profile: "original" })).toBeNull();
  });
});

describe("writeDemoMetadata", () => {
  it("writes each breaker key on one line and reads back the same metadata", async () => {
    const { mkdtempSync, readFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { readDemoMetadata, writeDemoMetadata } = await import("./metadata");
    const dbPath = join(mkdtempSync(join(tmpdir(), "demo-meta-")), "x.duckdb");
    const keys = [
      { processor: "ml_feature_store", entity_id: "lebronjames", analysis_date: "2026-12-01" },
      { processor: "player_daily_cache", entity_id: "o'neal", analysis_date: "2026-12-02" },
    ];
    const metadata = meta({ summary: { groundTruth: { note: "n", recovered: keys, stillMissing: [], nothingMissing: [] } } });
    writeDemoMetadata(dbPath, metadata);
    const text = readFileSync(`${dbPath}.demo.json`, "utf8");
    expect(text).toContain('{ "processor": "ml_feature_store", "entity_id": "lebronjames", "analysis_date": "2026-12-01" }');
    expect(readDemoMetadata(dbPath)).toEqual(metadata);
  });
});
