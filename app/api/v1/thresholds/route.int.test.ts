/**
 * `GET /api/v1/thresholds` (app/api/v1/thresholds/route.ts), called as Next calls it, over an
 * in-memory DuckDB that the data layer finds through getWarehouse()
 * (`globalThis.__completenessWarehouse`). The counts themselves are proven in
 * lib/data/thresholds.int.test.ts; here: who may ask, what a bad date answers, the shape.
 */
import { describe, expect, it, vi } from "vitest";

import { PROCESSORS, getProcessor } from "@/lib/completeness/processors";
import { outputColumns } from "@/lib/engine/run-processor";
import { WarehouseError } from "@/lib/warehouse/types";
import { sessionCookie } from "@/test/support/session";

import { GET } from "./route";
import { seededWarehouseForFile } from "@/test/support/console-warehouse";

const AS_OF = "2025-01-15";

async function call(query = "", signedIn = true): Promise<Response> {
  const headers: Record<string, string> = signedIn ? { cookie: await sessionCookie("viewer") } : {};
  return GET(new Request(`http://localhost/api/v1/thresholds${query}`, { headers }));
}

const { failQueries } = seededWarehouseForFile(async (wh) => {
  // team_defense_zone_analysis on AS_OF: 88 (passes 80, 85), 92 (80, 85, 90), NULL (all).
  const def = getProcessor("team_defense_zone_analysis");
  await wh.insert(
    def.table,
    outputColumns(def),
    [88, 92, null].map((pct, i) => ({
      team_abbr: ["LAL", "BOS", "MIA"][i],
      analysis_date: AS_OF,
      processed_at: "2025-01-16T04:00:00.000Z",
      completeness_percentage: pct,
      is_production_ready: pct === null || pct >= 90,
      data_quality_issues: [],
    })),
  );
});

describe("GET /api/v1/thresholds", () => {
  it("answers 401 without a session", async () => {
    const res = await call(`?as_of=${AS_OF}`, false);
    expect(res.status).toBe(401);
  });

  it.each(["2025-13-01", "2025-02-30", "yesterday", "2025-1-5"])("400 naming as_of for as_of=%s", async (value) => {
    const res = await call(`?as_of=${value}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; fieldErrors: Record<string, string[]> };
    expect(Object.keys(body.fieldErrors)).toEqual(["as_of"]);
    expect(body.error).toContain("as_of");
  });

  it("200 with the counts per processor, all seven in registry order", async () => {
    const res = await call(`?as_of=${AS_OF}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const body = (await res.json()) as {
      as_of: string;
      read_at: string;
      thresholds: number[];
      processors: { processor: string; total_records: number }[];
    };
    expect(Object.keys(body).sort()).toEqual(["as_of", "processors", "read_at", "thresholds"]);
    expect(body.as_of).toBe(AS_OF);
    expect(body.read_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(body.thresholds).toEqual([80, 85, 90, 95]);
    expect(body.processors.map((p) => p.processor)).toEqual(PROCESSORS.map((p) => p.name));
    expect(body.processors[0]).toEqual({
      processor: "team_defense_zone_analysis",
      configured_threshold: 90,
      total_records: 3,
      ready_count: 2, // 92 and NULL
      no_games_expected: 1,
      at: [
        { threshold: 80, pass: 3, below: 0, pass_pct: 100 },
        { threshold: 85, pass: 3, below: 0, pass_pct: 100 },
        { threshold: 90, pass: 2, below: 1, pass_pct: 66.67 }, // 92 and NULL
        { threshold: 95, pass: 1, below: 2, pass_pct: 33.33 }, // NULL only
      ],
      configured: { threshold: 90, pass: 2, below: 1, pass_pct: 66.67 },
    });
    expect(body.processors.slice(1).every((p) => p.total_records === 0)).toBe(true);
  });

  it("defaults as_of to the latest date with output", async () => {
    const res = await call();
    expect(res.status).toBe(200);
    expect(((await res.json()) as { as_of: string }).as_of).toBe(AS_OF);
  });

  it("503 with a safe message when the warehouse fails", async () => {
    failQueries(new WarehouseError("The embedded database could not run the query", { reason: "secret detail" }));
    vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const res = await call(`?as_of=${AS_OF}`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ ok: false, code: "unavailable", error: "The embedded database could not run the query" });
    } finally {
      vi.restoreAllMocks();
    }
  });
});
