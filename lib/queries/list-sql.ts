import "server-only";

import { z } from "zod";

import type { ListParams } from "@/lib/paging";

import { lit } from "./processor-outputs";

/**
 * A list paged, sorted and filtered in the warehouse. The sort column cannot be a parameter (an
 * identifier), and must not be spliced in from input: the SQL holds `{{sort_terms}}`, generated
 * here once from the list's allow-list of sort columns, which orders by the column named by the
 * bound parameters `@sort` and `@dir` — two CASE terms per column (one ascending, one
 * descending), NULL for every other column, so only the chosen column orders and the rest of the
 * ORDER BY (the file's tie-break on the key) makes the order total:
 *
 *   ORDER BY {{sort_terms}}, processor, entity_id, analysis_date
 *   LIMIT @limit OFFSET @offset
 *
 * NULLs sort last in either direction (as the pages' tables sort them). Both backends run the
 * same text; BigQuery reads the same partitions as the unpaged query.
 */
export function sortTermsSql(columns: Readonly<Record<string, string>>): string {
  return Object.entries(columns)
    .flatMap(([id, expr]) => [
      `CASE WHEN @sort = ${lit(id)} AND @dir = 'asc' THEN ${expr} END ASC NULLS LAST`,
      `CASE WHEN @sort = ${lit(id)} AND @dir = 'desc' THEN ${expr} END DESC NULLS LAST`,
    ])
    .join(",\n  ");
}

/** The paging parameters of a list query: its schema, warehouse types, and the values for a page. */
export const pageParams = {
  sort: z.string(),
  dir: z.enum(["asc", "desc"]),
  limit: z.number().int().min(0),
  offset: z.number().int().min(0),
};
export const pageParamTypes = { sort: "STRING", dir: "STRING", limit: "INT64", offset: "INT64" } as const;

export function pageValues<S extends string>(params: Pick<ListParams<S>, "sort" | "dir">, limit: number, offset: number) {
  return { sort: params.sort, dir: params.dir, limit, offset };
}

/** A processor filter as bound: every processor when none is chosen (an empty array would select none). */
export function processorFilter(processors: readonly string[]): { any_processor: boolean; processors: string[] } {
  return { any_processor: processors.length === 0, processors: [...processors] };
}

/** A summary query's rows (`facet`, `value`, `n`) as counts: one figure, or one facet's values in the given order. */
export interface FacetRow {
  facet: string;
  value: string | null;
  n: number;
}
export const facetRow = z.object({ facet: z.string(), value: z.string().nullable(), n: z.number().int() });

export function figure(rows: readonly FacetRow[], facet: string): number {
  return rows.find((r) => r.facet === facet)?.n ?? 0;
}
