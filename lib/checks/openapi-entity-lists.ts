import "server-only";

import { z } from "zod";

import { PROCESSORS, PROCESSOR_NAMES } from "@/lib/completeness/processors";
import { HTTP_STATUS } from "@/lib/errors";
import { ENTITY_LIST_SORTS, type EntityListName } from "@/lib/monitoring/entity-lists";
import { monitoringRows } from "@/lib/monitoring/schemas";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "@/lib/paging";

/**
 * The OpenAPI paths of the entity lists' reads (GET /api/v1/monitoring/below-threshold,
 * multi-window, bootstrap): their query parameters (the same names, bounds and choices as
 * lib/monitoring/entity-list-params.ts and lib/paging.ts) and the page each answers. The row
 * schemas are converted from the contract's zod schemas.
 */

const facet = z.object({ value: z.string(), count: z.number().int() });
const evaluated = { as_of: z.iso.date(), now: z.iso.datetime() };
const paged = { page: z.number().int().min(1), page_size: z.number().int().min(1).max(MAX_PAGE_SIZE), total: z.number().int().describe("Rows (entities, dates) the filters select, over every page.") };
const windowRow = z.object({
  processor: z.string(),
  entity_id: z.string(),
  date: z.iso.date(),
  windows: z.array(monitoringRows["multi-window"].pick({ window: true, completeness_pct: true, is_complete: true })).describe("In window order: games windows by size, then days windows."),
  incomplete: z.number().int().describe("Windows not complete."),
  worst: z.number().nullable().describe("The lowest completeness among the windows (null when none has one)."),
});

const PAGES: Record<EntityListName, z.ZodType> = {
  "below-threshold": z.object({
    ...evaluated,
    rows: z.array(monitoringRows["below-threshold"]),
    ...paged,
    all: z.number().int().describe("Rows before the filters."),
    facets: z.object({ processors: z.array(facet), reasons: z.array(facet) }).describe("Rows per processor and per decision reason, before the filters; most first."),
  }),
  "multi-window": z.object({ ...evaluated, rows: z.array(windowRow), ...paged, all: z.number().int().describe("Entities before the filters.") }),
  bootstrap: z.object({
    ...evaluated,
    rows: z.array(z.object({ date: z.iso.date(), counts: z.record(z.string(), z.number().int()).describe("Records per processor (the ones shown; absent: 0)."), total: z.number().int() })),
    ...paged,
    processors: z.array(z.string()).describe("The processors counted: the filter's, or every one."),
    records: z.number().int().describe("Records over every selected date."),
  }),
};

const SUMMARY: Record<EntityListName, string> = {
  "below-threshold": "Entities below their processor's threshold on as_of, a page at a time",
  "multi-window": "Entities of the multi-window processors with incomplete windows on as_of, a page at a time",
  bootstrap: "Bootstrap records per date and processor in the season of as_of",
};

const DESCRIPTION: Record<EntityListName, string> = {
  "below-threshold": "Every entity a processor evaluated for as_of (written or skipped) that is not production ready, outside bootstrap. Filtered, sorted and paged in the warehouse; ties are broken by processor, entity and date, so pages never overlap.",
  "multi-window": "One row per entity (processor, entity id, date) whose latest row has windows not all complete, with each of its windows. Paged by entity; ties are broken by processor, entity and date.",
  bootstrap: "One row per date of the season with bootstrap records, a count per processor (the filter's, or every one) and their total. Sorted by a processor's column that the filter leaves out, the dates come ascending.",
};

function query(name: string, description: string, schema: Record<string, unknown>) {
  return { name, in: "query", required: false, description, schema };
}

function parameters(name: EntityListName) {
  const { sorts, default: d } = ENTITY_LIST_SORTS[name];
  const names = name === "multi-window" ? PROCESSORS.filter((p) => p.multiWindow).map((p) => p.name) : PROCESSOR_NAMES;
  return [
    query("as_of", "The date evaluated (YYYY-MM-DD); defaults to the latest date the pipeline evaluated.", { type: "string", format: "date" }),
    query("now", "The evaluation instant (ISO 8601); defaults to the current time rounded down to the cache period.", { type: "string", format: "date-time" }),
    query("page", "1-based; a page past the last answers no rows with the total.", { type: "integer", minimum: 1, default: 1 }),
    query("page_size", `Rows per page (entities for multi-window, dates for bootstrap).`, { type: "integer", minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE }),
    query("sort", "The column sorted by (nulls last either way).", { type: "string", enum: [...sorts], default: d.sort }),
    query("dir", "The direction.", { type: "string", enum: ["asc", "desc"], default: d.dir }),
    query("processor", `Comma-separated processors (names or their pipeline aliases), e.g. ${names[0]}; none: all.`, { type: "string" }),
    ...(name === "bootstrap" ? [] : [query("q", "Entity id contains (case-insensitive, literal; at most 120 characters).", { type: "string", maxLength: 120 })]),
    ...(name === "below-threshold" ? [query("reason", "The decision reason exactly (at most 120 characters).", { type: "string", maxLength: 120 })] : []),
    query("format", "`csv`: every selected row as a CSV download streamed from the warehouse (page and page_size ignored; multi-window: one row per window).", {
      type: "string",
      enum: ["json", "csv"],
      default: "json",
    }),
  ];
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _s, ...out } = z.toJSONSchema(schema, { target: "draft-2020-12", io: "output" }) as Record<string, unknown>;
  return out;
}

/** The three lists' GET operations, by path; `errorRef` is the document's reference to the error body. */
export function entityListPaths(errorRef: Record<string, unknown>): Record<string, { get: Record<string, unknown> }> {
  const refused = (description: string) => ({ description, content: { "application/json": { schema: errorRef } } });
  return Object.fromEntries(
    (Object.keys(PAGES) as EntityListName[]).map((name) => [
      `/api/v1/monitoring/${name}`,
      {
        get: {
          operationId: `list${name.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase())}`,
          tags: ["monitoring"],
          summary: SUMMARY[name],
          description: `${DESCRIPTION[name]}\n\nRole: \`viewer\`.`,
          "x-role": "viewer",
          security: [{ bearerToken: [] }, { sessionCookie: [] }],
          parameters: parameters(name),
          responses: {
            200: {
              description: "One page (`X-Data-Read-At`: when the warehouse was read; `X-Data-Stale: 1` when the warehouse failed and the last good page is served).",
              content: { "application/json": { schema: jsonSchema(PAGES[name]) }, "text/csv": { schema: { type: "string" } } },
            },
            [HTTP_STATUS.invalid]: refused("`invalid`: a parameter is malformed (`fieldErrors` names it)."),
            [HTTP_STATUS.unauthorized]: refused("`unauthorized`: no valid credentials."),
            [HTTP_STATUS.forbidden]: refused("`forbidden`: the caller's role may not read."),
            [HTTP_STATUS.unavailable]: refused("`unavailable`: the warehouse did not answer and no earlier page was read."),
          },
        },
      },
    ]),
  );
}
