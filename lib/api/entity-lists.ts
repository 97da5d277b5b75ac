import "server-only";

import { chunked, csvStreamResponse } from "@/lib/api/csv-stream";
import { json } from "@/lib/api/handler";
import type { Actor } from "@/lib/auth/session";
import { entityListChunks, getEntityListPage, windowCsvRows } from "@/lib/data/entity-lists";
import { parseMonitoringParams } from "@/lib/data/monitoring";
import { type ApiError, fieldRefusal, refusal } from "@/lib/errors";
import type { CsvColumn } from "@/lib/format";
import { parseEntityListParams } from "@/lib/monitoring/entity-list-params";
import type { BelowRow, BootstrapDay, EntityListName, EntityWindows } from "@/lib/monitoring/entity-lists";

/**
 * `GET /api/v1/monitoring/<below-threshold|multi-window|bootstrap>?as_of&now&page&page_size&sort&dir&<filters>`:
 * one page of an entity list, filtered, sorted and paged in the warehouse,
 * `{ as_of, now, rows, page, page_size, total, … }` (lib/monitoring/entity-lists.ts says what
 * each list carries beside its rows). `page_size` is at most 500 (100 when absent); a page past
 * the last answers no rows with the total. A bad parameter is a 400 naming it, before anything
 * is read.
 *
 * `format=csv` (same filters and sort; `page` and `page_size` ignored): every selected row as a
 * CSV download, read from the warehouse a chunk at a time and streamed, so the server never
 * holds the whole list. Its columns are the panels' export columns; multi-window's rows are one
 * per window. The evaluation points are resolved (and the role checked) by reading the first
 * page, so a failing warehouse is refused as a read (503) before the download starts.
 */

const CSV_CHUNK = 2_000;

const BELOW_CSV: CsvColumn<BelowRow>[] = [
  { header: "processor", value: (r) => r.processor },
  { header: "entity_id", value: (r) => r.entity_id },
  { header: "date", value: (r) => r.date },
  { header: "completeness_pct", value: (r) => r.completeness_pct },
  { header: "expected_games", value: (r) => r.expected_games },
  { header: "actual_games", value: (r) => r.actual_games },
  { header: "missing_games", value: (r) => r.missing_games },
  { header: "processing_decision_reason", value: (r) => r.processing_decision_reason },
];

type WindowCsvRow = ReturnType<typeof windowCsvRows>[number];
const WINDOW_CSV: CsvColumn<WindowCsvRow>[] = [
  { header: "processor", value: (r) => r.processor },
  { header: "entity_id", value: (r) => r.entity_id },
  { header: "date", value: (r) => r.date },
  { header: "window", value: (r) => r.window },
  { header: "completeness_pct", value: (r) => r.completeness_pct },
  { header: "is_complete", value: (r) => r.is_complete },
];

function bootstrapCsv(processors: readonly string[]): CsvColumn<BootstrapDay>[] {
  return [
    { header: "date", value: (d) => d.date },
    ...processors.map((p) => ({ header: p, value: (d: BootstrapDay) => d.counts[p as keyof BootstrapDay["counts"]] ?? 0 })),
    { header: "total", value: (d) => d.total },
  ];
}

export async function entityListRead(request: Request, actor: Actor, name: EntityListName, headers: Record<string, string>): Promise<Response | ApiError> {
  const search = new URL(request.url).searchParams;
  const at = parseMonitoringParams({ as_of: search.get("as_of"), now: search.get("now") });
  if (!at.ok) return fieldRefusal(at.field, at.error);
  const format = search.get("format");
  if (format !== null && format !== "json" && format !== "csv") return fieldRefusal("format", 'format must be "json" or "csv"');
  for (const refused of ["outcomes", "safe"]) {
    if (search.has(refused)) return fieldRefusal(refused, `${refused} is not a parameter of ${name}`);
  }
  const parsed = parseEntityListParams(name, search);
  if (!parsed.ok) return fieldRefusal(parsed.field, parsed.error);

  // The CSV's first read is a one-row page: it resolves the evaluation points (and checks the role).
  const params = format === "csv" ? { ...parsed.params, page: 1, page_size: 1 } : parsed.params;
  const result = await getEntityListPage(name, at.params, params, actor);
  const out: Record<string, string> = { ...headers, "X-Data-Read-At": result.read_at };
  if (result.stale) {
    out["X-Data-Stale"] = "1";
    if (result.error) out["X-Data-Error"] = result.error;
  }
  // A failing warehouse would break the download half-way: refused before it starts.
  if (format === "csv" && result.stale) return refusal("unavailable", result.error ?? "The monitoring data could not be read");
  if (format === "csv") return csvOf(name, result, parsed.params, out);
  const { read_at: _readAt, stale: _stale, error: _error, ...body } = result;
  return json(body, 200, out);
}

function csvOf(name: EntityListName, result: { as_of: string; processors?: readonly string[] }, params: Parameters<typeof entityListChunks>[2], headers: Record<string, string>): Response {
  const filename = `${name}_${result.as_of}.csv`;
  const read = entityListChunks(name, result.as_of, params);
  const csvHeaders = { ...headers, "Cache-Control": "private, no-store" };
  if (name === "below-threshold") return csvStreamResponse(filename, BELOW_CSV, chunked(read as (l: number, o: number) => Promise<BelowRow[]>, CSV_CHUNK), csvHeaders);
  if (name === "bootstrap") return csvStreamResponse(filename, bootstrapCsv(result.processors ?? []), chunked(read as (l: number, o: number) => Promise<BootstrapDay[]>, CSV_CHUNK), csvHeaders);
  return csvStreamResponse(filename, WINDOW_CSV, windowRows(chunked(read as (l: number, o: number) => Promise<EntityWindows[]>, CSV_CHUNK)), csvHeaders);
}

/** Each chunk of entities as their windows' rows. */
async function* windowRows(entities: AsyncIterable<readonly EntityWindows[]>): AsyncGenerator<readonly WindowCsvRow[]> {
  for await (const chunk of entities) yield windowCsvRows(chunk);
}
