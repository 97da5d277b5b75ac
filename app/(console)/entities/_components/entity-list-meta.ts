/**
 * What the entities page's panels share about the page the API answers them: the request a
 * panel's URL state makes, and the page's read stamp. Pure and client-safe.
 */
import type { PanelMeta } from "@/lib/monitoring/query";
import type { SortDir } from "@/lib/paging";

/** The filters, sort and page of one panel's request (`as_of` and `now` are added by the caller). */
export interface ListRequest {
  processor?: readonly string[];
  reason?: string;
  q?: string;
  sort: string;
  dir: SortDir;
  page: number;
  page_size: number;
}

/** When and how a page was read (read_at falls back to `now` for a page that does not carry it). */
export function pageMeta(result: { as_of: string; now: string; read_at?: string; stale?: boolean; error?: unknown }): PanelMeta {
  const meta: PanelMeta = { as_of: result.as_of, now: result.now, read_at: result.read_at ?? result.now };
  if (result.stale) {
    meta.stale = true;
    meta.error = typeof result.error === "string" && result.error ? result.error : "the warehouse is failing";
  }
  return meta;
}
