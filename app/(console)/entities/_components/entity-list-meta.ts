/**
 * What the entities page's panels share about the page the API answers them: the request a
 * panel's URL state makes. Pure and client-safe.
 */
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
