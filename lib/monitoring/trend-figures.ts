/**
 * Where a 7-day figure of the overview lands on the trends page: the row of that processor in
 * the figures table under the chart that draws it, in the 7-day range ending at the same
 * as-of date, so the number clicked is the number shown there (both come from the health read).
 * Client-safe: the overview's links, the alerts' links and the trends page's tables use it.
 */
import { ALERT_WINDOW_DAYS } from "@/lib/completeness/alerts";
import { trendsHref } from "@/lib/links";

/** The trends charts that carry a 7-day figure. */
export type TrendFigure = "ready" | "completeness";

/** The element id of a figures table (no processor) or of one processor's row in it. */
export function trendFigureId(figure: TrendFigure | "trips", processor?: string): string {
  return processor ? `figures-${figure}-${processor}` : `figures-${figure}`;
}

/** `/trends?range=7&as_of=…#figures-ready-<processor>`: the 7-day figure where it is shown. */
export function trendFigureHref(figure: TrendFigure, target: { processor?: string; as_of?: string }): string {
  return `${trendsHref({ range: ALERT_WINDOW_DAYS, as_of: target.as_of })}#${trendFigureId(figure, target.processor)}`;
}
