/**
 * Links from an alert to exactly the rows that raised it, in the console's URL vocabulary
 * (lib/url-state.ts). Client-safe: the data layer builds them for the first render and the
 * overview rebuilds them on a client refresh — one definition for both.
 */
import { ALERT_WINDOW_DAYS, type Alert } from "@/lib/completeness/alerts";
import { type ProcessorName, getProcessor } from "@/lib/completeness/processors";

import { breakersHref, entitiesHref } from "@/lib/links";

import { trendFigureHref } from "./trend-figures";

export interface AlertLink {
  label: string;
  href: string;
  processor?: ProcessorName;
}

/**
 * Links to the rows behind an alert, in the console's URL vocabulary (lib/url-state.ts):
 * `/breakers?tab=active&processor=…`, `/entities?view=below-threshold&processor=…`,
 * `/trends?range=7#figures-ready-…` (the 7-day figure's row in the table under its chart). `as_of` is always carried; `now` only when the request pinned one (the
 * breakers page otherwise shows the live state, which is what the alert counted up to one
 * cache slot ago).
 */
export function alertLinks(alert: Alert, ctx: { as_of: string; now?: string }): AlertLink[] {
  const short = (p: ProcessorName) => getProcessor(p).short;
  const pin = { as_of: ctx.as_of, now: ctx.now };
  switch (alert.code) {
    case "active_breakers":
      return [
        { label: `All ${alert.value} active breakers`, href: breakersHref({ tab: "active", ...pin }) },
        ...alert.perProcessor.map((p) => ({
          processor: p.processor,
          label: `${short(p.processor)}: ${p.value} active`,
          href: breakersHref({ tab: "active", processor: p.processor, ...pin }),
        })),
      ];
    case "production_ready_low":
      return alert.perProcessor.flatMap((p) => [
        {
          processor: p.processor,
          label: `${short(p.processor)}: not-ready entities on ${ctx.as_of}`,
          href: entitiesHref({ view: "below-threshold", processor: p.processor, as_of: ctx.as_of }),
        },
        {
          processor: p.processor,
          label: `${short(p.processor)}: ${p.value.toFixed(1)}% ready over ${ALERT_WINDOW_DAYS} days`,
          href: trendFigureHref("ready", { processor: p.processor, as_of: ctx.as_of }),
        },
      ]);
    case "avg_completeness_low":
      return [
        { label: `Completeness over ${ALERT_WINDOW_DAYS} days`, href: trendFigureHref("completeness", { as_of: ctx.as_of }) },
        ...alert.perProcessor.map((p) => ({
          processor: p.processor,
          label: `${short(p.processor)}: ${p.value.toFixed(1)}% average — entities below threshold`,
          href: entitiesHref({ view: "below-threshold", processor: p.processor, as_of: ctx.as_of }),
        })),
      ];
  }
}
