/**
 * Pure helpers that turn a query's rows into what a table shows: filter, sort, page, facets.
 * Client-safe. Server pages and client refreshes run the same functions, so a refreshed panel
 * shows exactly what a fresh page load would.
 */

export type Comparable = string | number | boolean | null | undefined;

/** Ascending order with nulls last in both directions (a missing value never tops a list). */
export function compareValues(a: Comparable, b: Comparable): number {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) return aNull === bNull ? 0 : aNull ? 1 : -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/**
 * A stable sort by one key, then by the tie-breakers (ascending), nulls last. Returns a new array.
 */
export function sortRows<Row>(
  rows: readonly Row[],
  key: (row: Row) => Comparable,
  desc: boolean,
  tieBreakers: readonly ((row: Row) => Comparable)[] = [],
): Row[] {
  return rows
    .map((row, index) => ({ row, index }))
    .sort((x, y) => {
      const a = key(x.row);
      const b = key(y.row);
      const aNull = a === null || a === undefined;
      const bNull = b === null || b === undefined;
      let c: number;
      if (aNull || bNull) c = compareValues(a, b); // nulls last whatever the direction
      else c = desc ? compareValues(b, a) : compareValues(a, b);
      for (const t of tieBreakers) {
        if (c !== 0) break;
        c = compareValues(t(x.row), t(y.row));
      }
      return c !== 0 ? c : x.index - y.index;
    })
    .map((x) => x.row);
}

export interface PageSlice<Row> {
  rows: Row[];
  page: number;
  pageSize: number;
  total: number;
}

/** One page of rows; a page past the end shows the last page. */
export function paginate<Row>(rows: readonly Row[], page: number, pageSize: number): PageSlice<Row> {
  const pages = Math.max(1, Math.ceil(rows.length / pageSize));
  const current = Math.min(Math.max(1, page), pages);
  return { rows: rows.slice((current - 1) * pageSize, current * pageSize), page: current, pageSize, total: rows.length };
}

export interface Facet {
  value: string;
  count: number;
}

/** Distinct non-null values with their counts, ordered by value (or by count, most first). */
export function facet<Row>(rows: readonly Row[], key: (row: Row) => string | null | undefined, order: "value" | "value-desc" | "count" = "value"): Facet[] {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const v = key(row);
    if (v !== null && v !== undefined && v !== "") counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const out = [...counts].map(([value, count]) => ({ value, count }));
  if (order === "count") return out.sort((a, b) => b.count - a.count || compareValues(a.value, b.value));
  return out.sort((a, b) => (order === "value" ? compareValues(a.value, b.value) : compareValues(b.value, a.value)));
}

/** Case-insensitive "contains" on an entity id. */
export function matchesText(value: string, query: string | undefined): boolean {
  return !query || value.toLowerCase().includes(query.toLowerCase());
}

/** The sort to use: the URL's when it names a known column, else the table's default. */
export function resolveSort<K extends string>(
  sort: string | undefined,
  dir: "asc" | "desc" | undefined,
  allowed: readonly K[],
  fallback: { id: K; desc: boolean },
): { id: K; desc: boolean } {
  const id = (allowed as readonly string[]).includes(sort ?? "") ? (sort as K) : fallback.id;
  const desc = dir === undefined ? (id === fallback.id ? fallback.desc : false) : dir === "desc";
  return { id, desc };
}
