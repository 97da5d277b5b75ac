/**
 * Client refresh of server-rendered panels: a client component at the leaf refetches what its
 * server parent rendered, under keys from one factory. Client-safe.
 *
 * The server page reads a monitoring query through the data layer, turns the result into the
 * panel's view (only the rows the panel shows) and hands that view to the panel's client
 * component as `initialData`. The client component refreshes the same view from
 * `GET /api/v1/monitoring/<name>` with the same pure view function, so server render and client
 * refresh cannot disagree, and the HTML carries only what is shown.
 *
 * Refresh: every 60 s (the data layer's default cache time) while the tab is visible
 * (`refetchIntervalInBackground: false`), on window focus, and on the page's Refresh button,
 * which refetches every query under `monitoringKeys.all`. Panels with large downloads refresh
 * less often or only on the button (`refreshEvery`).
 */
import { type QueryKey, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";

import type { MonitoringParams, MonitoringQueryName, MonitoringRow } from "@/lib/monitoring/schemas";
import { type ActiveBreakersPage, type ActiveListQuery, type BreakerHistoryPage, type BreakerTrend, type HistoryListQuery, breakerListUrl } from "@/lib/monitoring/lists";
import { lastPage } from "@/lib/paging";

export const REFRESH_INTERVAL_MS = 60_000;

/** The one query-key factory of the console. */
export const monitoringKeys = {
  all: ["monitoring"] as const,
  /** A raw query result: what the API returns for `name` and `params`. */
  result: (name: MonitoringQueryName, params: MonitoringParams) => ["monitoring", "result", name, params] as const,
  /** A panel's view: the rows a panel shows for its URL state. */
  panel: (panel: string, state: Readonly<Record<string, unknown>>) => ["monitoring", "panel", panel, state] as const,
};

/** When and how a panel's data was read; every panel view carries it. */
export interface PanelMeta {
  /** The data-as-of date the query evaluated. */
  as_of: string;
  /** The evaluation instant ("active" breakers are active at this instant). */
  now: string;
  /** When the warehouse was read (the data layer caches reads). */
  read_at: string;
  /** True when the warehouse failed and an older cached result is shown. */
  stale?: boolean;
  /** The warehouse failure, when `stale` (a safe message). */
  error?: string;
}

/** A monitoring result as the data layer and the API return it. */
export interface MonitoringResultLike<N extends MonitoringQueryName> {
  as_of: string;
  now: string;
  read_at?: string;
  rows: MonitoringRow<N>[];
  stale?: boolean;
  error?: unknown;
}

function errorText(error: unknown): string | undefined {
  if (error === undefined || error === null || error === false) return undefined;
  if (typeof error === "string") return error;
  if (typeof error === "object" && "message" in error && typeof error.message === "string") return error.message;
  return "the warehouse query failed";
}

/** When and how a result or a list page was read (read_at falls back to `now` for one that does not carry it). */
export function pageMeta(result: { as_of: string; now: string; read_at?: string; stale?: boolean; error?: unknown }): PanelMeta {
  const meta: PanelMeta = { as_of: result.as_of, now: result.now, read_at: result.read_at ?? result.now };
  if (result.stale) {
    meta.stale = true;
    meta.error = errorText(result.error) ?? "the warehouse is failing";
  }
  return meta;
}

/** The meta of a monitoring result. */
export const metaOf: (result: MonitoringResultLike<MonitoringQueryName>) => PanelMeta = pageMeta;

/** What every paged panel's view takes from its page: the read stamp, the page, its size and the total. */
export interface PagedView {
  meta: PanelMeta;
  page: number;
  pageSize: number;
  /** Rows (keys, for the history) the filters select, over all pages. */
  total: number;
}

export function pagedView(result: Parameters<typeof pageMeta>[0] & { page: number; page_size: number; total: number }): PagedView {
  return { meta: pageMeta(result), page: result.page, pageSize: result.page_size, total: result.total };
}

/** The oldest read of several results, and stale if any is (a panel built from several queries). */
export function mergeMeta(...metas: PanelMeta[]): PanelMeta {
  const [firstMeta, ...rest] = metas;
  if (!firstMeta) throw new Error("mergeMeta needs at least one meta");
  return rest.reduce<PanelMeta>(
    (acc, m) => ({
      ...acc,
      read_at: m.read_at < acc.read_at ? m.read_at : acc.read_at,
      ...(m.stale ? { stale: true, error: acc.error ?? m.error } : {}),
    }),
    firstMeta,
  );
}

/** Thrown by `fetchMonitoring` with the API's message. */
export class MonitoringFetchError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "MonitoringFetchError";
  }
}

/** `GET /api/v1/monitoring/<name>?as_of&now` */
export function fetchMonitoring<N extends MonitoringQueryName>(name: N, params: MonitoringParams = {}, signal?: AbortSignal): Promise<ListRead<MonitoringResultLike<N>>> {
  const query = new URLSearchParams();
  if (params.as_of) query.set("as_of", params.as_of);
  if (params.now) query.set("now", params.now);
  const qs = query.toString();
  return fetchJson<MonitoringResultLike<N>>(`/api/v1/monitoring/${name}${qs ? `?${qs}` : ""}`, signal);
}

/**
 * A JSON read of the monitoring API. The body is the result (`{ as_of, now, rows }`, or a list's
 * page); when the warehouse was read, and whether an older cached result stands in for a failing
 * one, travel in headers.
 */
export async function fetchJson<T>(url: string, signal?: AbortSignal): Promise<ListRead<T>> {
  const response = await fetch(url, { signal, headers: { accept: "application/json" }, cache: "no-store" });
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // fall through: reported below
  }
  if (!response.ok || body === null || typeof body !== "object") {
    const message = errorText((body as { error?: unknown } | null)?.error) ?? `the monitoring API answered ${response.status}`;
    throw new MonitoringFetchError(message, response.status);
  }
  const stale = response.headers.get("x-data-stale") === "1";
  return {
    ...(body as T),
    read_at: response.headers.get("x-data-read-at") ?? (body as { read_at?: string }).read_at ?? undefined,
    ...(stale ? { stale: true, error: response.headers.get("x-data-error") ?? "the warehouse is failing" } : {}),
  };
}

/** `GET /api/v1/monitoring/breaker-history?view=trend&from=…&now=…`: the trends page's trip and operator counts. */
export function fetchBreakerTrend(from: string, params: MonitoringParams = {}, signal?: AbortSignal): Promise<ListRead<BreakerTrend>> {
  const search = new URLSearchParams({ view: "trend", from });
  if (params.as_of) search.set("as_of", params.as_of);
  if (params.now) search.set("now", params.now);
  return fetchJson<BreakerTrend>(`/api/v1/monitoring/breaker-history?${search}`, signal);
}

/** A list's page and when it was read. */
export type ListRead<T> = T & { read_at?: string; stale?: boolean; error?: string };

type BreakerListPages = { "active-breakers": ActiveBreakersPage; "breaker-history": BreakerHistoryPage };

/**
 * `GET /api/v1/monitoring/<active-breakers|breaker-history>?<filters, sort, page>&as_of&now`: one
 * page, filtered, sorted and paged by the server. A page past the last (the list shrank since
 * the link was made) is read again as the last page, as the server page shows it.
 */
export async function fetchBreakerList<N extends keyof BreakerListPages>(
  name: N,
  query: N extends "active-breakers" ? ActiveListQuery : HistoryListQuery,
  params: MonitoringParams = {},
  signal?: AbortSignal,
): Promise<ListRead<BreakerListPages[N]>> {
  const read = (page: number) => fetchJson<BreakerListPages[N]>(breakerListUrl(name, { ...query, page }, params), signal);
  const first = await read(query.page);
  const last = lastPage(first.total, query.page_size);
  return first.rows.length === 0 && query.page > last ? read(last) : first;
}

/**
 * A panel's view: server-rendered first (`initialData`, dated by its `read_at`), then refreshed
 * in the client by `fetchView` on the shared schedule.
 */
export function usePanelQuery<T extends { meta: PanelMeta }>(
  queryKey: QueryKey,
  initialData: T,
  fetchView: (signal: AbortSignal) => Promise<T>,
  options: {
    /**
     * How often to refresh while the tab is visible; `false`: only on the Refresh button. Panels
     * whose refresh reads a lot (a season of trends is five reads) refresh less often or on
     * demand; the breaker lists refresh one page.
     */
    refreshEvery?: number | false;
  } = {},
) {
  const every = options.refreshEvery ?? REFRESH_INTERVAL_MS;
  const readAt = Date.parse(initialData.meta.read_at);
  const query = useQuery({
    queryKey,
    queryFn: ({ signal }) => fetchView(signal),
    initialData,
    initialDataUpdatedAt: Number.isNaN(readAt) ? undefined : readAt,
    staleTime: every === false ? Infinity : every,
    refetchInterval: every,
    refetchIntervalInBackground: false,
    refetchOnWindowFocus: every !== false,
    retry: 1,
  });
  return {
    /** Never undefined: the server's view until a refresh replaces it. */
    data: (query.data ?? initialData) as T,
    /** A failed refresh while older data stays on screen. */
    refreshError: query.isRefetchError ? query.error : null,
    fetching: query.isFetching,
  };
}

/**
 * Fetches raw query results through the shared cache. Panels built from several queries (and
 * two panels reading the same query) share one request per query: concurrent fetches of a key
 * are deduplicated and a result younger than `staleTime` is reused. CSV exports pass the panel's
 * own `as_of` and `now`, so an export holds exactly the rows the panel's view was built from.
 */
export function useResultLoader() {
  const client = useQueryClient();
  return useCallback(
    <N extends MonitoringQueryName>(name: N, params: MonitoringParams, options: { signal?: AbortSignal; staleTime?: number } = {}) =>
      client.fetchQuery({
        queryKey: monitoringKeys.result(name, params),
        // The caller's signal is not passed down: a shared fetch must not die with one caller.
        queryFn: () => fetchMonitoring(name, params),
        staleTime: options.staleTime ?? 5_000,
      }),
    [client],
  );
}
