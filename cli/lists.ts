/**
 * The breaker lists as the CLI reads them: every page (the server pages, sorts and filters them),
 * all at the first page's evaluation point, so a report never shows only the first page.
 */
import { type LatestOutcome, countOutcomes } from "@/lib/breakers/outcomes";
import { MAX_PAGE_SIZE, lastPage } from "@/lib/paging";

import type { ApiClient } from "./api";
import type { ActiveBreakersBody, ActiveBreakersPageBody, BreakerHistoryPageBody, MonitoringWithOutcomesBody } from "./types";

type PageQuery = Record<string, string | undefined>;

/** Every page of a paged list, read at the first page's evaluation point (`as_of`, `now`). */
async function allPages<Body extends { as_of: string; now: string; rows: unknown[]; total: number; page_size: number; outcomes: LatestOutcome[] }>(
  api: ApiClient,
  path: string,
  query: PageQuery,
): Promise<{ first: Body; rows: Body["rows"]; outcomes: LatestOutcome[] }> {
  const pageSize = String(MAX_PAGE_SIZE);
  const first = await api.get<Body>(path, { ...query, page_size: pageSize, page: "1" });
  const rows = [...first.rows];
  const outcomes = [...first.outcomes];
  const pages = lastPage(first.total, first.page_size);
  for (let page = 2; page <= pages; page++) {
    const next = await api.get<Body>(path, { ...query, as_of: first.as_of, now: first.now, page_size: pageSize, page: String(page) });
    rows.push(...next.rows);
    outcomes.push(...next.outcomes);
  }
  return { first, rows, outcomes };
}

/** Every active breaker the query selects, with its verdict and each key's latest override's outcome. */
export async function activeBreakersAll(api: ApiClient, query: PageQuery): Promise<ActiveBreakersBody> {
  const { first, rows, outcomes } = await allPages<ActiveBreakersPageBody>(api, "/api/v1/monitoring/active-breakers", query);
  return { as_of: first.as_of, now: first.now, rows, outcomes, outcome_counts: countOutcomes(outcomes.map((o) => o.outcome)) };
}

/** Every breaker-history row of the keys the query selects, newest first (as the history's rows were always listed). */
export async function breakerHistoryAll(api: ApiClient, query: PageQuery): Promise<MonitoringWithOutcomesBody<"breaker-history">> {
  const { first, rows, outcomes } = await allPages<BreakerHistoryPageBody>(api, "/api/v1/monitoring/breaker-history", query);
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const events = rows
    .flatMap((k) => k.events)
    .sort((a, b) => text(b.attempted_at, a.attempted_at) || text(a.processor, b.processor) || text(a.entity_id, b.entity_id) || text(a.analysis_date, b.analysis_date) || b.attempt_number - a.attempt_number);
  return { as_of: first.as_of, now: first.now, rows: events, outcomes, outcome_counts: countOutcomes(outcomes.map((o) => o.outcome)) };
}

