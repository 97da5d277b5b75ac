/**
 * The entity lists' generated SQL is BigQuery SQL: every statement a page and the CSV send (the
 * page, its members, counts and facets, for each list and its filters and sorts) parses with
 * @polyglot-sql/sdk's BigQuery validator, keeps the monitoring query's partition parameters, and
 * binds the request's values. The embedded database runs the same text in the integration tests
 * (app/api/v1/monitoring/entity-lists.int.test.ts); it accepts SQL BigQuery refuses.
 */
import { validate } from "@polyglot-sql/sdk";
import { describe, expect, it } from "vitest";

import { entityListParams } from "@/lib/monitoring/entity-list-params";
import { ENTITY_LIST_NAMES, ENTITY_LIST_SORTS } from "@/lib/monitoring/entity-lists";
import type { QueryOptions, Warehouse } from "@/lib/warehouse/types";

import { readEntityListPage } from "./entity-lists";

function recordingWarehouse(): { wh: Warehouse; jobs: { sql: string; options: QueryOptions }[] } {
  const jobs: { sql: string; options: QueryOptions }[] = [];
  const wh = {
    kind: "bigquery",
    query: async (sql: string, options: QueryOptions = {}) => {
      jobs.push({ sql, options });
      return options.label?.endsWith("_rows") ? [] : [{ total: 0, sum_total: 0 }];
    },
  } as unknown as Warehouse;
  return { wh, jobs };
}

const errorsOf = (sql: string) => validate(sql, "bigquery").errors.filter((e) => e.severity === "error").map((e) => `${e.code} line ${e.line}:${e.column} ${e.message}`);

describe.each(ENTITY_LIST_NAMES)("%s", (name) => {
  const filters = name === "bootstrap" ? { processor: "ml_feature_store,player_daily_cache" } : name === "multi-window" ? { processor: "player_daily_cache", q: "o'neal" } : { processor: "player_daily_cache", q: "o'neal", reason: "x' OR 1=1" };
  it.each(ENTITY_LIST_SORTS[name].sorts.flatMap((sort) => [`${sort}|asc`, `${sort}|desc`]))("sorted %s, with and without filters: BigQuery SQL, values bound", async (sortDir) => {
    const [sort, dir] = sortDir.split("|");
    for (const extra of [{}, filters]) {
      const { wh, jobs } = recordingWarehouse();
      await readEntityListPage(wh, name, { as_of: "2025-01-15" }, entityListParams[name].parse({ sort, dir, page: "3", page_size: "50", ...extra }) as never);
      expect(jobs.length).toBeGreaterThan(1);
      for (const job of jobs) {
        expect(errorsOf(job.sql), job.sql).toEqual([]);
        expect(job.options.params).toMatchObject({ date_to: "2025-01-15" });
        expect(job.sql).not.toContain("o'neal");
        expect(job.sql).not.toContain("OR 1=1");
        expect(Object.keys(job.options.types!).sort()).toEqual(Object.keys(job.options.params!).sort());
      }
    }
  });
});
