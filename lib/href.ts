/**
 * URL builders for the console's page state (see lib/url-state.ts, which re-exports them with
 * the pages' search-param schemas). Client-safe and dependency-free, so every link-building
 * client component can use them without pulling zod into the browser bundle.
 */

export type ParamValue = string | number | readonly string[] | null | undefined;
export type ParamPatch = Record<string, ParamValue>;

function serialize(value: ParamValue): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.length > 0 ? value.join(",") : undefined;
  const text = String(value);
  return text === "" ? undefined : text;
}

/** Keys that describe paging: any other change returns to the first page. */
const PAGING_KEYS = new Set(["page"]);

/**
 * `current` with `patch` applied: null/undefined/""/[] delete a key; a change of anything but
 * the page resets the page. Keys keep a stable order (the current ones, then new ones).
 */
export function patchSearchParams(current: URLSearchParams | string | Record<string, string>, patch: ParamPatch): URLSearchParams {
  const next = new URLSearchParams(current);
  let resetsPage = false;
  for (const [key, value] of Object.entries(patch)) {
    const text = serialize(value);
    if (text === undefined) next.delete(key);
    else next.set(key, text);
    if (!PAGING_KEYS.has(key)) resetsPage = true;
  }
  if (resetsPage && !("page" in patch)) next.delete("page");
  return next;
}

/** `pathname?query` for `current` with `patch` applied (see `patchSearchParams`). */
export function hrefWith(pathname: string, current: URLSearchParams | string | Record<string, string>, patch: ParamPatch = {}): string {
  const query = patchSearchParams(current, patch).toString();
  return query ? `${pathname}?${query}` : pathname;
}

/** `pathname?query` from values alone (empties dropped). */
export function hrefFor(pathname: string, values: ParamPatch): string {
  return hrefWith(pathname, "", values);
}
