import "server-only";

import type { SortDir } from "@/lib/paging";
import { splitSql } from "@/lib/warehouse/sql-text";
import type { ParamType, ParamValue, SqlStatement } from "@/lib/warehouse/types";

/**
 * Filter, sort, group, count and page any query's rows in the warehouse: the query's SQL (a
 * file's text, with its own parameters and partition filters) becomes a subquery, and the
 * list's filters, grouping, order and page are written around it:
 *
 *   SELECT … FROM (<query>) AS q WHERE <filters> [GROUP BY <keys>] ORDER BY <column> <dir>
 *   NULLS LAST, <tie-break> LIMIT @page_limit OFFSET @page_offset
 *
 * The same text runs on DuckDB and BigQuery, and on BigQuery it is one query over the partitions
 * the inner query filters to. The inner query's own final ORDER BY is dropped (a subquery's
 * order means nothing, and sorting it would cost a sort).
 *
 * Identifiers come only from the list's declaration in code (`columns`, the group's keys and
 * aggregates), never from a request: a filter or sort that names anything else throws before
 * any SQL is written. Every value a request gives is a bound parameter (`@f_<n>`). The order
 * always ends with a tie-break over a unique key, so consecutive pages neither overlap nor skip.
 * Nulls sort last in both directions, as the console's tables sort them.
 */

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

export type ListFilter =
  /** The column is one of the values (no filter when the list is empty). */
  | { kind: "in"; column: string; values: readonly string[] }
  /** The column equals the value exactly (NULL never matches). */
  | { kind: "equals"; column: string; value: string }
  /** The column contains the value, case-insensitive (a literal substring: no wildcards). */
  | { kind: "contains"; column: string; value: string };

export interface ListSource {
  /** The inner query's SQL: a whole SELECT, its placeholders already filled. */
  sql: string;
  params: Record<string, ParamValue>;
  types: Record<string, ParamType>;
  /** The inner rows' columns a filter, group or sort may name. */
  columns: readonly string[];
  /** A job label for the warehouse (BigQuery label `query`). */
  label: string;
}

export interface ListGrouping {
  /** The group's key columns (of the source). */
  keys: readonly string[];
  /** Output column → aggregate expression over the source's rows (written in code, never from input). */
  aggregates: Readonly<Record<string, string>>;
  /** Conditions on the groups (written in code), e.g. a sum above zero. */
  having?: string;
}

export interface ListSelection {
  filters?: readonly ListFilter[];
  /** Rows before the filters are grouped when given; the order and page are then over groups. */
  group?: ListGrouping;
}

export interface ListOrder {
  column: string;
  dir: SortDir;
  /** Unique together (with `column`): the total order pages are cut from. Ascending. */
  tieBreak: readonly string[];
}

/** `sql` without its final top-level ORDER BY (kept when a LIMIT follows: then it chooses rows). Comments and strings are skipped. */
export function withoutFinalOrder(sql: string): string {
  let depth = 0;
  let offset = 0;
  let cut = -1;
  for (const segment of splitSql(sql)) {
    if (segment.kind === "code") {
      for (const m of segment.text.matchAll(/[()]|\bORDER\s+BY\b|\bLIMIT\b/gi)) {
        if (m[0] === "(") depth++;
        else if (m[0] === ")") depth--;
        else if (depth === 0) {
          if (/^LIMIT$/i.test(m[0])) return sql;
          cut = offset + m.index;
        }
      }
    }
    offset += segment.text.length;
  }
  return cut < 0 ? sql : sql.slice(0, cut).trimEnd();
}

function identifier(name: string, allowed: readonly string[], what: string): string {
  if (!IDENTIFIER.test(name) || !allowed.includes(name)) throw new Error(`${what} "${name}" is not one of the list's columns`);
  return name;
}

/** The relation the page is cut from: the source's rows, filtered, grouped when asked. */
function selected(source: ListSource, selection: ListSelection): SqlStatement & { columns: readonly string[] } {
  const inner = withoutFinalOrder(source.sql);
  const params: Record<string, ParamValue> = { ...source.params };
  const types: Record<string, ParamType> = { ...source.types };
  const conditions: string[] = [];
  (selection.filters ?? []).forEach((filter, i) => {
    const column = identifier(filter.column, source.columns, "Filter column");
    const param = `f_${i}`;
    if (param in params) throw new Error(`The source already binds @${param}`);
    if (filter.kind === "in") {
      if (filter.values.length === 0) return;
      params[param] = [...filter.values];
      types[param] = ["STRING"];
      conditions.push(`r.${column} IN UNNEST(@${param})`);
    } else if (filter.kind === "equals") {
      params[param] = filter.value;
      types[param] = "STRING";
      conditions.push(`r.${column} = @${param}`);
    } else {
      params[param] = filter.value.toLowerCase();
      types[param] = "STRING";
      conditions.push(`STRPOS(LOWER(r.${column}), @${param}) > 0`);
    }
  });
  const where = conditions.length > 0 ? `\nWHERE ${conditions.join("\n  AND ")}` : "";
  if (!selection.group) {
    return { sql: `SELECT r.*\nFROM (\n${inner}\n) AS r${where}`, params, types, columns: source.columns };
  }
  const keys = selection.group.keys.map((k) => identifier(k, source.columns, "Group key"));
  const aggregates = Object.entries(selection.group.aggregates).map(([name, expression]) => {
    if (!IDENTIFIER.test(name)) throw new Error(`Aggregate name "${name}" is not an identifier`);
    return `${expression} AS ${name}`;
  });
  const having = selection.group.having ? `\nHAVING ${selection.group.having}` : "";
  return {
    sql: `SELECT ${[...keys.map((k) => `r.${k}`), ...aggregates].join(", ")}\nFROM (\n${inner}\n) AS r${where}\nGROUP BY ${keys.map((k) => `r.${k}`).join(", ")}${having}`,
    params,
    types,
    columns: [...keys, ...Object.keys(selection.group.aggregates)],
  };
}

/** `ORDER BY` text over relation alias `alias`: the column, nulls last, then the tie-break. */
function orderBy(order: ListOrder, columns: readonly string[], alias: string): string {
  const column = identifier(order.column, columns, "Sort column");
  if (order.dir !== "asc" && order.dir !== "desc") throw new Error(`Sort direction "${String(order.dir)}" is not asc or desc`);
  const ties = order.tieBreak.filter((t) => t !== column).map((t) => `${alias}.${identifier(t, columns, "Tie-break column")} ASC NULLS LAST`);
  return [`${alias}.${column} ${order.dir.toUpperCase()} NULLS LAST`, ...ties].join(", ");
}

/**
 * One page of the selected rows (or groups), in the list's total order. Each row also carries
 * `list_total`, the rows the selection holds over every page, and `list_sum_<column>` for each of
 * `sums` (window aggregates: computed before the LIMIT, so one query answers the page and its
 * totals; a page past the last has no row to carry them: countStatement).
 */
export function pageStatement(
  source: ListSource,
  selection: ListSelection,
  order: ListOrder,
  page: { limit: number; offset: number },
  sums: readonly string[] = [],
): SqlStatement {
  const rel = selected(source, selection);
  const totals = [`COUNT(*) OVER () AS list_total`, ...sums.map((c) => `SUM(q.${identifier(c, rel.columns, "Sum column")}) OVER () AS list_sum_${c}`)].join(", ");
  return {
    sql: `SELECT q.*, ${totals}\nFROM (\n${rel.sql}\n) AS q\nORDER BY ${orderBy(order, rel.columns, "q")}\nLIMIT @page_limit OFFSET @page_offset`,
    params: { ...rel.params, page_limit: page.limit, page_offset: page.offset },
    types: { ...rel.types, page_limit: "INT64", page_offset: "INT64" },
  };
}

/**
 * Every source row of one page of groups, each with its group's aggregates, `page_ord` (its
 * group's place in the whole order, 1-based) and `list_total` (the groups the selection holds),
 * ordered by `page_ord`: the members of the groups a page shows, read in one query.
 */
export function groupPageMembersStatement(
  source: ListSource,
  selection: ListSelection & { group: ListGrouping },
  order: ListOrder,
  page: { limit: number; offset: number },
): SqlStatement {
  const rel = selected(source, selection);
  const keys = selection.group.keys;
  const aggregates = Object.keys(selection.group.aggregates);
  return {
    sql: [
      `SELECT m.*, ${aggregates.map((a) => `p.${a}`).join(", ")}, p.page_ord, p.list_total`,
      `FROM (\n${withoutFinalOrder(source.sql)}\n) AS m`,
      `JOIN (`,
      `  SELECT g.*, ROW_NUMBER() OVER (ORDER BY ${orderBy(order, rel.columns, "g")}) AS page_ord, COUNT(*) OVER () AS list_total`,
      `  FROM (\n${rel.sql}\n) AS g`,
      `) AS p ON ${keys.map((k) => `m.${k} = p.${k}`).join(" AND ")}`,
      `WHERE p.page_ord > @page_offset AND p.page_ord <= @page_offset + @page_limit`,
      `ORDER BY p.page_ord`,
    ].join("\n"),
    params: { ...rel.params, page_limit: page.limit, page_offset: page.offset },
    types: { ...rel.types, page_limit: "INT64", page_offset: "INT64" },
  };
}

/** How many rows (or groups) the selection holds: one row, `total`, and `sum_<column>` for each of `sums` (0 when none). */
export function countStatement(source: ListSource, selection: ListSelection, sums: readonly string[] = []): SqlStatement {
  const rel = selected(source, selection);
  const sumSql = sums.map((c) => `, COALESCE(SUM(q.${identifier(c, rel.columns, "Sum column")}), 0) AS sum_${c}`).join("");
  return { sql: `SELECT COUNT(*) AS total${sumSql}\nFROM (\n${rel.sql}\n) AS q`, params: rel.params, types: rel.types };
}

/** The selection's rows counted per value of each of `columns` together: `(columns…, n)`, one row per combination. */
export function countByStatement(source: ListSource, selection: ListSelection, columns: readonly string[]): SqlStatement {
  const rel = selected(source, selection);
  const cols = columns.map((c) => `q.${identifier(c, rel.columns, "Count column")}`);
  return {
    sql: `SELECT ${cols.join(", ")}, COUNT(*) AS n\nFROM (\n${rel.sql}\n) AS q\nGROUP BY ${cols.join(", ")}`,
    params: rel.params,
    types: rel.types,
  };
}
