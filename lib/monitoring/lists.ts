/**
 * The breaker lists' API contract: the filters, sorts and pages of
 * `GET /api/v1/monitoring/active-breakers` and `…/breaker-history`, and the page each answers.
 * Both are paged, sorted and filtered in the warehouse (lib/paging.ts: `page`, `page_size` ≤ 500,
 * `sort`, `dir` → `rows`, `total`); beside the page they carry what the panels show about the
 * whole list (counts before filtering, facet counts), counted in the warehouse too.
 * Client-safe: the pages, the API and the CLI build their requests with the same names.
 */
import { z } from "zod";

import { BREAKER_EVENT_TYPES, type BreakerEventType } from "@/lib/completeness/breaker";
import { isoDate } from "@/lib/completeness/dates";
import { type ProcessorName, resolveProcessorName } from "@/lib/completeness/processors";
import type { CsvColumn } from "@/lib/format";
import { type ListParams, MAX_PAGE_SIZE, listParamsSchema } from "@/lib/paging";

import { type ActiveBreakerRow, type MonitoringRow, activeBreakerRow, monitoringRows, safeFilter } from "./schemas";

export const ACTIVE_SORTS = [
  "processor",
  "entity_id",
  "analysis_date",
  "attempt_number",
  "completeness_pct",
  "skip_reason",
  "tripped_at",
  "breaker_until",
  "verdict",
] as const;
export type ActiveSort = (typeof ACTIVE_SORTS)[number];
/** The Active list's order when none is asked for: the latest trips first. */
export const ACTIVE_DEFAULT_SORT = { sort: "tripped_at", dir: "desc" } as const;

export const HISTORY_SORTS = ["latest", "processor", "entity_id", "analysis_date", "events"] as const;
export type HistorySort = (typeof HISTORY_SORTS)[number];
/** The history's order when none is asked for: the keys with the newest event first. */
export const HISTORY_DEFAULT_SORT = { sort: "latest", dir: "desc" } as const;

/** Rows per page the breakers page's panels show. */
export const ACTIVE_PAGE_SIZE = 50;
export const HISTORY_PAGE_SIZE = 20;

const blankIsAbsent = (v: unknown) => (v === "" || v === null ? undefined : v);
const optionalText = (field: string) =>
  z.preprocess(blankIsAbsent, z.string().trim().max(120, `${field} must be at most 120 characters`).optional()).transform((v) => (v ? v : undefined));
const optionalDate = z.preprocess(blankIsAbsent, isoDate.optional());

/**
 * `processor`, repeatable and/or comma-separated (`processor=a&processor=b`, `processor=a,b`),
 * any known name (aliases resolve to the canonical one); an unknown name is refused. None = all.
 */
const processorList = z
  .array(z.string())
  .transform((values, ctx): ProcessorName[] => {
    const names = values.flatMap((v) => v.split(",")).map((s) => s.trim()).filter(Boolean);
    const out: ProcessorName[] = [];
    for (const name of names) {
      const p = resolveProcessorName(name);
      if (!p) {
        ctx.addIssue({ code: "custom", message: `processor "${name}" is not a known processor` });
        return z.NEVER;
      }
      if (!out.includes(p)) out.push(p);
    }
    return out;
  });

const activeFilters = z.object({
  processor: processorList,
  date: optionalDate,
  reason: optionalText("reason"),
  q: optionalText("q"),
  safe: z.preprocess(blankIsAbsent, safeFilter.optional()),
});

const historyFilters = z.object({
  processor: processorList,
  entity: optionalText("entity"),
  q: optionalText("q"),
  date: optionalDate,
  event: z.preprocess(blankIsAbsent, z.enum(BREAKER_EVENT_TYPES, { message: `event must be one of: ${BREAKER_EVENT_TYPES.join(", ")}` }).optional()),
});

/**
 * The most rows one response of each breaker list carries, so no response passes 250 KB of JSON:
 * an active key with its verdict is about 550–650 bytes, a history key with its rows about 700
 * (2–3 rows; more for keys retried for weeks). A larger `page_size` (up to the contract's 500) is
 * answered with pages of this size, and the response's `page_size` says so: page n is always
 * rows (n − 1) × page_size + 1 … of the order, whatever was asked.
 */
export const ACTIVE_MAX_PAGE_SIZE = 350;
export const HISTORY_MAX_PAGE_SIZE = 250;

const clampPageSize =
  (max: number) =>
  <T extends { page_size: number }>(q: T): T => ({ ...q, page_size: Math.min(q.page_size, max) });

export const activeListSchema = listParamsSchema(ACTIVE_SORTS, ACTIVE_DEFAULT_SORT).and(activeFilters).transform(clampPageSize(ACTIVE_MAX_PAGE_SIZE));
export const historyListSchema = listParamsSchema(HISTORY_SORTS, HISTORY_DEFAULT_SORT).and(historyFilters).transform(clampPageSize(HISTORY_MAX_PAGE_SIZE));

export type ActiveFilters = z.infer<typeof activeFilters>;
export type HistoryFilters = z.infer<typeof historyFilters>;
export type ActiveListQuery = ListParams<ActiveSort> & ActiveFilters;
export type HistoryListQuery = ListParams<HistorySort> & HistoryFilters;

/** The names the list parameters travel under in a query string (the list's filters, sort and page). */
const LIST_FIELDS = ["page", "page_size", "sort", "dir", "date", "reason", "q", "safe", "entity", "event"] as const;

/** A list's parameters from a query string: every field, `processor` repeated or comma-separated. */
export function listInput(search: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = { processor: search.getAll("processor") };
  for (const field of LIST_FIELDS) {
    const value = search.get(field);
    if (value !== null) out[field] = value;
  }
  return out;
}

/** The query string of a list request (defaults left out, so equal requests read alike). */
export function listSearch(query: Partial<ActiveListQuery> | Partial<HistoryListQuery>): URLSearchParams {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    if (key === "processor") {
      for (const p of value as string[]) out.append("processor", p);
    } else out.set(key, String(value));
  }
  return out;
}

/** A facet of a list's filter: a value and the rows (or keys) that have it. */
const facetCount = z.object({ value: z.string(), count: z.number().int() });
export type FacetCount = z.infer<typeof facetCount>;

const pageFields = {
  as_of: isoDate.describe("The data-as-of date the list was evaluated at."),
  now: z.string().describe("The instant the list was evaluated at (ISO 8601 UTC): pass it back to read the same list."),
  page: z.number().int().describe("The page asked for (1-based); a page past the last has no rows."),
  page_size: z.number().int().describe(`Rows (keys, for the history) per page: as asked (at most ${MAX_PAGE_SIZE}), or fewer where the list answers at most fewer a response.`),
};

/** `GET /api/v1/monitoring/active-breakers`: a page of active keys, each with its verdict. */
export const activeBreakersPageSchema = z.object({
  ...pageFields,
  rows: z.array(activeBreakerRow),
  total: z.number().int().describe("Active keys the filters select, over every page."),
  all: z.number().int().describe("Active keys before filtering."),
  safe: z.number().int().describe("Active keys safe to override now (before filtering)."),
  facets: z.object({
    dates: z.array(facetCount).describe("Active keys per analysis date, newest first."),
    reasons: z.array(facetCount).describe("Active keys per skip reason, most first."),
  }),
  verdict_error: z.string().optional().describe("Set when the verdicts could not be computed (rows then carry `verdict: null`)."),
});
export type ActiveBreakersPage = z.infer<typeof activeBreakersPageSchema>;

export type HistoryRow = MonitoringRow<"breaker-history">;

/** A key of the breaker history with its rows in the window, in attempt order. */
export const keyTimeline = z.object({
  processor: z.string(),
  entity_id: z.string(),
  analysis_date: isoDate,
  latest: z.string().describe("The key's newest attempted_at in the window."),
  events: z.array(monitoringRows["breaker-history"]).describe("The key's rows in the window, in attempt order."),
});
export type KeyTimeline = z.infer<typeof keyTimeline>;

/** `GET /api/v1/monitoring/breaker-history`: a page of keys (`total` counts keys), each with its rows. */
export const breakerHistoryPageSchema = z.object({
  ...pageFields,
  rows: z.array(keyTimeline),
  total: z.number().int().describe("Keys the filters select, over every page."),
  total_events: z.number().int().describe("Rows of those keys."),
  all: z.number().int().describe("Rows in the 30 days before filtering."),
  facets: z.object({ events: z.array(facetCount).describe("Rows per event in the 30 days (before filtering), most first.") }),
});
export type BreakerHistoryPage = z.infer<typeof breakerHistoryPageSchema>;

export type { BreakerEventType };

/**
 * `GET /api/v1/monitoring/breaker-history?view=trend&from=YYYY-MM-DD`: what the trends page draws
 * from the breaker history, counted by the server: `trip` rows per processor and analysis date,
 * and `override` / `reset` rows written outside the console (no actor) per UTC day (processor
 * null). Small whatever the range: never the rows themselves.
 */
export const breakerTrendRow = z.object({
  event: z.enum(["trip", "override", "reset"]),
  processor: z.string().nullable(),
  date: isoDate,
  n: z.number().int(),
});
export type BreakerTrendRow = z.infer<typeof breakerTrendRow>;

/** Days of attempts per breaker-history window (the history list's 30 days). */
export const TREND_WINDOW_DAYS = 30;
/** The most windows a trend reads (a season and more). */
export const TREND_MAX_WINDOWS = 20;

/**
 * The days of attempts a trend ending at `now` reads to reach back to `from` (00:00 UTC): whole
 * 30-day windows, as many as cover it (at most 20).
 */
export function breakerTrendDays(now: string, from: string): number {
  const start = Date.parse(`${from}T00:00:00.000Z`);
  const end = Date.parse(now);
  let windows = 1;
  while (end - windows * TREND_WINDOW_DAYS * 86_400_000 > start && windows < TREND_MAX_WINDOWS) windows += 1;
  return windows * TREND_WINDOW_DAYS;
}

export interface BreakerTrend {
  as_of: string;
  now: string;
  /** The first instant whose attempts are counted. */
  since: string;
  rows: BreakerTrendRow[];
}

/**
 * A list request's parameters parsed with its schema, or the first refused field and a message
 * naming it (the API answers 400 with it).
 */
export function parseListQuery<S extends z.ZodType>(
  schema: S,
  search: URLSearchParams,
): { ok: true; query: z.infer<S> } | { ok: false; field: string; error: string } {
  const parsed = schema.safeParse(listInput(search));
  if (parsed.success) return { ok: true, query: parsed.data };
  const issue = parsed.error.issues[0]!;
  const field = String(issue.path[0] ?? "query");
  return { ok: false, field, error: issue.message.startsWith(field) ? issue.message : `${field} ${issue.message}` };
}

/** The Active list's CSV: one line per key, with its verdict at the list's `now`. */
export const ACTIVE_CSV_COLUMNS: readonly CsvColumn<ActiveBreakerRow>[] = [
  { header: "processor", value: (r) => r.processor },
  { header: "entity_id", value: (r) => r.entity_id },
  { header: "analysis_date", value: (r) => r.analysis_date },
  { header: "attempt_number", value: (r) => r.attempt_number },
  { header: "completeness_pct", value: (r) => r.completeness_pct },
  { header: "skip_reason", value: (r) => r.skip_reason },
  { header: "tripped_at", value: (r) => r.tripped_at },
  { header: "breaker_until", value: (r) => r.breaker_until },
  { header: "hours_remaining", value: (r) => r.hours_remaining },
  { header: "notes", value: (r) => r.notes },
  { header: "safe_to_override", value: (r) => (r.verdict ? r.verdict.safe : null) },
  { header: "verdict", value: (r) => r.verdict?.text ?? null },
];

/** The history's CSV: one line per row of the selected keys, key by key in the list's order. */
export const HISTORY_CSV_COLUMNS: readonly CsvColumn<HistoryRow>[] = [
  { header: "attempted_at", value: (r) => r.attempted_at },
  { header: "processor", value: (r) => r.processor },
  { header: "entity_id", value: (r) => r.entity_id },
  { header: "analysis_date", value: (r) => r.analysis_date },
  { header: "attempt_number", value: (r) => r.attempt_number },
  { header: "event", value: (r) => r.event },
  { header: "completeness_pct", value: (r) => r.completeness_pct },
  { header: "skip_reason", value: (r) => r.skip_reason },
  { header: "actor", value: (r) => r.actor },
  { header: "notes", value: (r) => r.notes },
];

/** `/api/v1/monitoring/<name>?…`: a breaker list's request (`format=csv`: every selected row as CSV). */
export function breakerListUrl(
  name: "active-breakers" | "breaker-history",
  query: Partial<ActiveListQuery> | Partial<HistoryListQuery>,
  at: { as_of?: string; now?: string },
  format?: "csv",
): string {
  const search = listSearch(query);
  if (at.as_of) search.set("as_of", at.as_of);
  if (at.now) search.set("now", at.now);
  if (format) search.set("format", format);
  const qs = search.toString();
  return `/api/v1/monitoring/${name}${qs ? `?${qs}` : ""}`;
}
