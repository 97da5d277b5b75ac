/**
 * Page state in the URL: filters, ranges, sort and page live in the search params, so links
 * reproduce a view and back/forward walk through views. Client-safe (zod and the registry).
 *
 * - Server pages parse their search params ONCE with the page's schema below. Every field
 *   `.catch()`es to its default, so a hand-edited or stale link degrades to a sensible view
 *   instead of an error page.
 * - Client controls change the URL through `useUrlState().update()` (lib/use-url-state.ts:
 *   router.push/replace, a client hook kept out of this server-safe module), and links are
 *   built with `hrefWith()`, both of which drop empty values and reset paging when a
 *   filter changes.
 */
import { z } from "zod";

import { type ProcessorName, resolveProcessorName } from "@/lib/completeness/processors";
import { isoDate } from "@/lib/completeness/dates";
import { BREAKER_EVENT_TYPES } from "@/lib/completeness/breaker";
import { isoTimestamp, safeFilter } from "@/lib/monitoring/schemas";

export type RawSearchParams = Record<string, string | string[] | undefined>;

/** The first value of a possibly repeated search param. */
function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Search params as a plain object of single strings (empty strings dropped). */
export function flattenSearchParams(raw: RawSearchParams | URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw instanceof URLSearchParams) {
    for (const [key, value] of raw) if (value !== "" && !(key in out)) out[key] = value;
  } else {
    for (const [key, value] of Object.entries(raw)) {
      const v = first(value);
      if (v !== undefined && v !== "") out[key] = v;
    }
  }
  return out;
}

/** Parse search params with a page schema. Never throws: every field of the schemas catches. */
export function parseSearchParams<S extends z.ZodType>(schema: S, raw: RawSearchParams | URLSearchParams): z.infer<S> {
  return schema.parse(flattenSearchParams(raw));
}

// ---------------------------------------------------------------------------------------------
// Field schemas

const optionalDate = isoDate.optional().catch(undefined);
/** A pinned evaluation instant (links from alerts may carry one); ISO 8601. */
const optionalInstant = isoTimestamp.optional().catch(undefined);
const optionalText = z.string().trim().max(120).optional().catch(undefined).transform((v) => (v ? v : undefined));
const page = z.coerce.number().int().min(1).max(1_000_000).catch(1).default(1);
const dir = z.enum(["asc", "desc"]).optional().catch(undefined);

/**
 * A list of processors, comma-separated: `processor=player_daily_cache,ml_feature_store`.
 * Old names (aliases) resolve to canonical ones; unknown names are dropped. Empty = all.
 */
const processors = z
  .string()
  .optional()
  .catch(undefined)
  .transform((v): ProcessorName[] => {
    if (!v) return [];
    const names = v.split(",").map((s) => resolveProcessorName(s)).filter((p): p is ProcessorName => p !== undefined);
    return [...new Set(names)];
  });

/** `/` */
export const overviewSearchSchema = z.object({
  as_of: optionalDate,
  now: optionalInstant,
});
export type OverviewSearch = z.infer<typeof overviewSearchSchema>;

export const BREAKER_TABS = ["active", "about-to-trip", "history", "patterns"] as const;
export type BreakerTab = (typeof BREAKER_TABS)[number];

/** `/breakers` */
export const breakersSearchSchema = z.object({
  tab: z.enum(BREAKER_TABS).catch("active").default("active"),
  processor: processors,
  /** analysis date of the keys */
  date: optionalDate,
  /** skip reason */
  reason: optionalText,
  /** entity search: contains, case-insensitive */
  q: optionalText,
  /** Active list: only keys whose verdict is safe to override now (`yes`) or not (`no`) */
  safe: safeFilter.optional().catch(undefined),
  /** one entity exactly (a key's timeline) */
  entity: optionalText,
  event: z.enum(BREAKER_EVENT_TYPES).optional().catch(undefined),
  /** Active tab: `incident` groups the active keys by the incident that explains them. */
  group: z.enum(["incident"]).optional().catch(undefined),
  sort: optionalText,
  dir,
  page,
  as_of: optionalDate,
  now: optionalInstant,
});
export type BreakersSearch = z.infer<typeof breakersSearchSchema>;

/** `/incidents/<id>`: the keys table's sort, page and recovered filter, and the evaluation points. */
export const incidentSearchSchema = z.object({
  sort: optionalText,
  dir,
  page,
  recovered: z.enum(["yes", "no"]).optional().catch(undefined),
  as_of: optionalDate,
  now: optionalInstant,
});
export type IncidentSearch = z.infer<typeof incidentSearchSchema>;

export const TREND_RANGES = ["7", "30", "90", "season", "custom"] as const;
export type TrendRange = (typeof TREND_RANGES)[number];

/** `/trends` */
export const trendsSearchSchema = z.object({
  range: z.enum(TREND_RANGES).catch("30").default("30"),
  from: optionalDate,
  to: optionalDate,
  /** processors hidden by the legend */
  hide: processors,
  as_of: optionalDate,
  /** the dates the charts are zoomed to (a drag across the time axis), inside the range */
  zoom_from: optionalDate,
  zoom_to: optionalDate,
});
export type TrendsSearch = z.infer<typeof trendsSearchSchema>;

export const ENTITY_VIEWS = ["below-threshold", "multi-window", "bootstrap"] as const;
export type EntityView = (typeof ENTITY_VIEWS)[number];

/** `/entities` */
export const entitiesSearchSchema = z.object({
  view: z.enum(ENTITY_VIEWS).catch("below-threshold").default("below-threshold"),
  processor: processors,
  q: optionalText,
  reason: optionalText,
  sort: optionalText,
  dir,
  page,
  as_of: optionalDate,
});
export type EntitiesSearch = z.infer<typeof entitiesSearchSchema>;

// ---------------------------------------------------------------------------------------------
// Building URLs: in a zod-free module, so client components that build links do not ship zod.

export { type ParamPatch, type ParamValue, hrefFor, hrefWith, patchSearchParams } from "@/lib/href";
