"use client";

/**
 * The client half of lib/url-state.ts: controls change the URL with router.push/replace, so
 * the server page re-parses it and re-renders, and back/forward walk through the views.
 */
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useTransition } from "react";

import { type ParamPatch, hrefWith } from "./href";

export interface UrlStateOptions {
  /** `push` adds a history entry (ranges, tabs, filters); `replace` does not (typing in a search box). */
  history?: "push" | "replace";
}

/**
 * For client controls: the current search params and `update(patch)`, which navigates to the
 * patched URL (the server page re-parses it and re-renders). `pending` is true while the new
 * view loads, so controls can say so.
 */
export function useUrlState() {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [pending, startTransition] = useTransition();
  const update = useCallback(
    (patch: ParamPatch, options: UrlStateOptions = {}) => {
      const href = hrefWith(pathname, searchParams.toString(), patch);
      startTransition(() => {
        if (options.history === "replace") router.replace(href, { scroll: false });
        else router.push(href, { scroll: false });
      });
    },
    [pathname, router, searchParams],
  );
  const href = useCallback((patch: ParamPatch) => hrefWith(pathname, searchParams.toString(), patch), [pathname, searchParams]);
  return { searchParams, pathname, update, href, pending };
}
