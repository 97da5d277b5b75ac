"use client";

import { formatDateShort } from "@/lib/format";

import styles from "./figures-table.module.css";
import { PlainTable } from "@/components/ui/plain-table";

export interface FiguresRow {
  processor: string;
  /** One value per date of `dates` (null: no data that day). */
  values: (number | null)[];
  /** The figure over the window (the overview's 7-day figure); undefined without a window. */
  window?: number | null;
}

/**
 * The exact figures a chart draws, as a table: one row per processor (its id is the anchor the
 * overview's links target), the window's figure first, then each date of the chart, newest first.
 * Its rows are rendered only while it is open (a season is 7 × 180 cells per chart).
 */
export function FiguresTable({
  id,
  title,
  rows,
  dates,
  windowLabel,
  format,
  formatWindow = format,
  rowId,
  target,
  open,
  onToggle,
}: {
  id: string;
  title: string;
  rows: FiguresRow[];
  dates: string[];
  /** Header of the window column, e.g. "7 days ending Dec 6"; omitted: no window column. */
  windowLabel?: string;
  format: (v: number) => string;
  /** The window's figure as the overview shows it (default: `format`). */
  formatWindow?: (v: number) => string;
  rowId: (processor: string) => string;
  /** The element id the URL's fragment names, when it is one of this table's rows. */
  target: string | null;
  open: boolean;
  onToggle: (open: boolean) => void;
}) {
  const newestFirst = dates.map((d, i) => ({ d, i })).reverse();
  const cell = (v: number | null | undefined, f = format) => (v === null || v === undefined ? <span className="muted">no data</span> : f(v));
  return (
    <details id={id} className={styles.figures} open={open} onToggle={(e) => onToggle(e.currentTarget.open)} data-testid={id}>
      <summary>Table: {title}</summary>
      {open ? (
        <PlainTable
          className="data"
          caption={title}
          columns={[
            "Processor",
            ...(windowLabel ? [{ key: "window", label: windowLabel, numeric: true }] : []),
            ...newestFirst.map(({ d }) => ({ key: d, label: formatDateShort(d), numeric: true })),
          ]}
        >
            {rows.map((r) => {
              const rid = rowId(r.processor);
              const isTarget = rid === target;
              return (
                <tr key={r.processor} id={rid} className={isTarget ? "marked" : undefined} data-testid={rid} aria-current={isTarget ? "location" : undefined}>
                  <th scope="row">
                    {r.processor}
                    {isTarget ? <span className="marked-tag">the figure linked</span> : null}
                  </th>
                  {windowLabel ? <td className={`num ${styles.window}`}>{cell(r.window, formatWindow)}</td> : null}
                  {newestFirst.map(({ d, i }) => (
                    <td key={d} className="num">
                      {cell(r.values[i])}
                    </td>
                  ))}
                </tr>
              );
            })}
        </PlainTable>
      ) : null}
    </details>
  );
}
