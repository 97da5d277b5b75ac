/**
 * The entity lists' request parameters (lib/monitoring/entity-lists.ts): each list's paging and
 * sort (lib/paging.ts) with its filters, parsed from a request's search params; the first bad
 * one is named. Client-safe: zod and the registry.
 */
import { z } from "zod";

import { PROCESSOR_NAMES, type ProcessorName, resolveProcessorName } from "@/lib/completeness/processors";
import { listParamsSchema } from "@/lib/paging";

import { BELOW_SORTS, BOOTSTRAP_SORTS, ENTITY_LIST_SORTS, type EntityListName, WINDOW_SORTS } from "./entity-lists";

/** `processor=a,b`: canonical names (aliases resolve), each once; an unknown name is refused. */
const processorList = z.preprocess(
  (v) => (v === null || v === "" ? undefined : v),
  z
    .string()
    .max(2_000)
    .optional()
    .transform((v, ctx): ProcessorName[] => {
      if (v === undefined) return [];
      const names: ProcessorName[] = [];
      for (const raw of v.split(",")) {
        const name = resolveProcessorName(raw.trim());
        if (name === undefined) {
          ctx.addIssue({ code: "custom", message: `processor must be a comma-separated list of: ${PROCESSOR_NAMES.join(", ")}` });
          return z.NEVER;
        }
        if (!names.includes(name)) names.push(name);
      }
      return names;
    }),
);
const text = (field: string) =>
  z.preprocess(
    (v) => (typeof v === "string" ? v.trim() || undefined : v === null ? undefined : v),
    z.string().max(120, `${field} must be at most 120 characters`).optional(),
  );

export const entityListParams = {
  "below-threshold": listParamsSchema(BELOW_SORTS, ENTITY_LIST_SORTS["below-threshold"].default).extend({
    processor: processorList,
    /** The decision reason exactly (a row without one never matches). */
    reason: text("reason"),
    /** Entity id contains, case-insensitive. */
    q: text("q"),
  }),
  "multi-window": listParamsSchema(WINDOW_SORTS, ENTITY_LIST_SORTS["multi-window"].default).extend({
    processor: processorList,
    q: text("q"),
  }),
  bootstrap: listParamsSchema(BOOTSTRAP_SORTS, ENTITY_LIST_SORTS.bootstrap.default).extend({
    processor: processorList,
  }),
};
export type EntityListParams<N extends EntityListName> = z.output<(typeof entityListParams)[N]>;
/** The query parameters each list reads from a request (beside `as_of`, `now` and `format`). */
export const ENTITY_LIST_FIELDS: Record<EntityListName, readonly string[]> = {
  "below-threshold": ["page", "page_size", "sort", "dir", "processor", "reason", "q"],
  "multi-window": ["page", "page_size", "sort", "dir", "processor", "q"],
  bootstrap: ["page", "page_size", "sort", "dir", "processor"],
};

export type ParsedEntityListParams<N extends EntityListName> = { ok: true; params: EntityListParams<N> } | { ok: false; field: string; error: string };

/** A list's parameters from a request's search params; the first bad one is named. */
export function parseEntityListParams<N extends EntityListName>(name: N, search: URLSearchParams): ParsedEntityListParams<N> {
  const raw: Record<string, string | undefined> = {};
  for (const field of ENTITY_LIST_FIELDS[name]) raw[field] = search.get(field) ?? undefined;
  const parsed = entityListParams[name].safeParse(raw);
  if (parsed.success) return { ok: true, params: parsed.data as EntityListParams<N> };
  const issue = parsed.error.issues[0]!;
  const field = String(issue.path[0] ?? "page");
  return { ok: false, field, error: issue.message.startsWith(field) ? issue.message : `${field}: ${issue.message}` };
}
