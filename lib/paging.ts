import { z } from "zod";

/**
 * The paging, sorting and direction every list API takes, and the page it answers:
 * `?page=1&page_size=100&sort=<column>&dir=asc|desc` → `{ rows, page, page_size, total }`.
 * The warehouse pages (LIMIT/OFFSET after a total order); nothing reads a whole list to send a
 * page of it. Client-safe: pages build their links and fetches with the same names.
 */

/** The most rows one page of any list may carry. */
export const MAX_PAGE_SIZE = 500;
/** Rows per page when `page_size` is not given. */
export const DEFAULT_PAGE_SIZE = 100;

export type SortDir = "asc" | "desc";

export interface ListParams<S extends string> {
  /** 1-based. */
  page: number;
  page_size: number;
  sort: S;
  dir: SortDir;
}

/** One page of a list, as every list API answers it. */
export interface ListPage<Row> {
  rows: Row[];
  page: number;
  page_size: number;
  /** Rows (or keys, for a grouped list) the filters select, over every page. */
  total: number;
}

const positiveInt = (field: string, max?: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, `${field} must be a whole number`)
    .transform(Number)
    .refine((n) => n >= 1, `${field} must be at least 1`)
    .refine((n) => max === undefined || n <= max, `${field} must be at most ${max}`);

/**
 * The schema of `page`, `page_size`, `sort` and `dir` for a list sorted by one of `sorts`
 * (absent or empty values take the defaults). Merge it with the list's own filters.
 */
export function listParamsSchema<S extends string>(sorts: readonly [S, ...S[]], defaults: { sort: S; dir: SortDir; page_size?: number }) {
  const blankIsAbsent = (v: unknown) => (v === "" || v === null ? undefined : v);
  return z.object({
    page: z.preprocess(blankIsAbsent, positiveInt("page").optional()).transform((n) => n ?? 1),
    page_size: z.preprocess(blankIsAbsent, positiveInt("page_size", MAX_PAGE_SIZE).optional()).transform((n) => n ?? defaults.page_size ?? DEFAULT_PAGE_SIZE),
    sort: z.preprocess(blankIsAbsent, z.enum(sorts as unknown as [S, ...S[]], { message: `sort must be one of: ${sorts.join(", ")}` }).optional()).transform((s) => (s ?? defaults.sort) as S),
    dir: z.preprocess(blankIsAbsent, z.enum(["asc", "desc"], { message: 'dir must be "asc" or "desc"' }).optional()).transform((d) => d ?? defaults.dir),
  });
}

/** The warehouse's LIMIT and OFFSET for a page. */
export function limitOffset(params: Pick<ListParams<string>, "page" | "page_size">): { limit: number; offset: number } {
  return { limit: params.page_size, offset: (params.page - 1) * params.page_size };
}

/** The last page that has rows (1 when there are none): a page past it is answered with no rows, not refused. */
export function lastPage(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}
