/**
 * No query requires a column the original pipeline's tables lack: every SQL file's definition,
 * with every allowed value of each of its registry fragments, runs on a warehouse created from
 * the original DDL (`sql/original/`) with the console's own schema applied on top — what the
 * console finds beside the unchanged pipeline. Parameters get placeholder values of their
 * declared types; the tables are empty, so what is checked is that every table and column the
 * text names exists (DuckDB binds every name before it runs anything).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { ALL_QUERIES } from "@/lib/queries";
import type { ParamType, ParamValue, Warehouse } from "@/lib/warehouse/types";
import { shapedWarehouse } from "@/test/support/original-fixtures";

function placeholder(type: ParamType): ParamValue {
  if (Array.isArray(type)) {
    const inner = type[0]!;
    if (typeof inner === "object") {
      return [Object.fromEntries(Object.entries(inner).map(([k, t]) => [k, placeholder(t as ParamType)]))] as ParamValue;
    }
    return [placeholder(inner) as never] as ParamValue;
  }
  switch (type) {
    case "DATE":
      return "2025-01-15";
    case "TIMESTAMP":
      return "2025-01-16T12:00:00.000Z";
    case "INT64":
      return 1;
    case "FLOAT64":
    case "NUMERIC":
      return 1.5;
    case "BOOL":
      return false;
    default:
      return "x";
  }
}

const VARIANTS = ALL_QUERIES.flatMap((def) => {
  const fragments = Object.entries(def.fragments ?? {});
  const texts = fragments.length === 0 ? [def.sql()] : fragments.flatMap(([name, options]) => options.map((value) => def.sql({ [name]: value })));
  return texts.map((sql, i) => ({ label: `${def.file}${texts.length > 1 ? ` (variant ${i + 1})` : ""}`, sql, def }));
});

let wh: Warehouse;
beforeAll(() => {
  wh = shapedWarehouse("original");
});
afterAll(async () => {
  await wh.close();
});

describe("every query binds on the original pipeline's tables (plus the console's own schema)", () => {
  it.each(VARIANTS.map((v) => [v.label, v] as const))("%s", async (_label, { sql, def }) => {
    const types = def.types as Record<string, ParamType>;
    const params = Object.fromEntries(Object.entries(types).map(([k, t]) => [k, placeholder(t)]));
    await expect(wh.query(sql, { params, types, label: def.name }).then(() => "ok")).resolves.toBe("ok");
  });
});

it("the check can fail: the feature store has no processed_at there", async () => {
  await expect(
    wh.query("SELECT processed_at FROM nba_predictions.ml_feature_store_v2 WHERE game_date = @d", { params: { d: "2025-01-15" }, types: { d: "DATE" } }),
  ).rejects.toThrow();
});
