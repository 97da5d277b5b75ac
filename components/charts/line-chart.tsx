"use client";

/**
 * The console's one recharts wrapper (pages draw charts through it, never recharts directly): a line chart over calendar dates with
 * threshold lines, event markers on the time axis and a tooltip with exact values. Only this
 * module imports recharts, so only pages that draw charts load it.
 *
 * - Dates are "YYYY-MM-DD" strings on a category axis: no Date object, no time-zone shift.
 * - Series are told apart by colour AND dash pattern (and named in the page's legend and the
 *   tooltip), never by colour alone. Hidden series are not drawn.
 * - Missing values are gaps (`connectNulls` off), never zeros.
 * - Colours are CSS variables, so the chart follows the light or dark theme.
 * - Hovering shows a crosshair (a vertical cursor) and every visible series' value on that date.
 * - With `onZoom`, dragging across the time axis selects dates (drawn as a ReferenceArea) and
 *   hands the first and last date of the selection to the page, which keeps them in the URL. A
 *   drag within one date is a click, not a zoom.
 * - Nothing animates: a chart draws once, at its final position (no main-thread work after).
 */
import { useState } from "react";
import {
  CartesianGrid,
  Line,
  type MouseHandlerDataParam,
  LineChart as RechartsLineChart,
  ReferenceArea,
  ReferenceLine,
  Tooltip,
  type TooltipContentProps,
  XAxis,
  YAxis,
} from "recharts";

import { formatDateLong, formatDateShort } from "@/lib/format";

export interface ChartSeries {
  key: string;
  label: string;
  /** A CSS colour, e.g. `var(--series-1)`. */
  color: string;
  /** SVG stroke-dasharray ("" for solid). */
  dash: string;
}

export interface ChartThreshold {
  y: number;
  label: string;
}

export interface ChartMarker {
  /** The date on the axis. */
  x: string;
  /** Short text drawn at the top of the marker line, e.g. "↷ 3". */
  label: string;
  /** Said in the tooltip for that date. */
  description: string;
}

export type ChartRow = { x: string } & Record<string, number | string | null>;

export interface TimeLineChartProps {
  /** What the chart shows (its accessible name). */
  title: string;
  data: ChartRow[];
  series: ChartSeries[];
  hidden?: ReadonlySet<string>;
  thresholds?: ChartThreshold[];
  markers?: ChartMarker[];
  /** Formats a value for the tooltip and the axis, e.g. 92.345 → "92.35%". */
  formatValue: (value: number) => string;
  yDomain?: [number | "auto", number | "auto"];
  /** Whole numbers only on the y axis (counts). */
  integer?: boolean;
  height?: number;
  testId?: string;
  /** Called with the first and last date (ascending) of a drag across the time axis. */
  onZoom?: (from: string, to: string) => void;
}

function ChartTooltip({
  active,
  payload,
  label,
  formatValue,
  markers,
  series,
}: TooltipContentProps<number, string> & { formatValue: (v: number) => string; markers: ChartMarker[]; series: ChartSeries[] }) {
  if (!active || typeof label !== "string") return null;
  const dayMarkers = markers.filter((m) => m.x === label);
  // Every shown series, also those without a value that day (recharts leaves them out of the payload).
  const row = (payload?.[0]?.payload ?? {}) as Partial<ChartRow>;
  return (
    <div className="chart-tooltip">
      <p>{formatDateLong(label)}</p>
      <ul>
        {series.map((s) => {
          const value = row[s.key];
          return (
            <li key={s.key}>
              <span>
                <svg width="18" height="8" aria-hidden="true">
                  <line x1="0" x2="18" y1="4" y2="4" stroke={s.color} strokeWidth="2.5" strokeDasharray={s.dash || undefined} />
                </svg>{" "}
                {s.label}
              </span>
              <strong>{typeof value === "number" ? formatValue(value) : "no data"}</strong>
            </li>
          );
        })}
      </ul>
      {dayMarkers.length > 0 ? (
        <ul className="tooltip-markers">
          {dayMarkers.map((m) => (
            <li key={m.description}>{m.description}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function TimeLineChart({
  title,
  data,
  series,
  hidden,
  thresholds = [],
  markers = [],
  formatValue,
  yDomain = ["auto", "auto"],
  integer = false,
  height = 300,
  testId,
  onZoom,
}: TimeLineChartProps) {
  const visible = series.filter((s) => !hidden?.has(s.key));
  const [drag, setDrag] = useState<{ from: string; to: string } | null>(null);
  const labelOf = (state: MouseHandlerDataParam): string | null => (typeof state.activeLabel === "string" ? state.activeLabel : null);
  function endDrag() {
    if (drag && onZoom && drag.from !== drag.to) {
      const [a, b] = drag.from < drag.to ? [drag.from, drag.to] : [drag.to, drag.from];
      onZoom(a, b);
    }
    setDrag(null);
  }
  // About 8 labelled ticks whatever the range (7 days … a season).
  const interval = Math.max(0, Math.ceil(data.length / 8) - 1);
  return (
    <div className="chart" data-testid={testId} style={{ height }}>
      <RechartsLineChart
        responsive
        style={{ width: "100%", height }}
        data={data}
        margin={{ top: markers.length > 0 ? 32 : 12, right: 24, bottom: 4, left: 4 }}
        title={title}
        desc={`${title}. ${visible.map((s) => s.label).join(", ")}.`}
        {...(onZoom
          ? {
              onMouseDown: (state: MouseHandlerDataParam) => {
                const x = labelOf(state);
                if (x) setDrag({ from: x, to: x });
              },
              onMouseMove: (state: MouseHandlerDataParam) => {
                const x = labelOf(state);
                if (drag && x && x !== drag.to) setDrag({ from: drag.from, to: x });
              },
              onMouseUp: endDrag,
              onMouseLeave: () => setDrag(null),
            }
          : {})}
      >
        <CartesianGrid vertical={false} />
        <XAxis
          dataKey="x"
          tickFormatter={(d: string) => formatDateShort(d)}
          interval={interval}
          tickMargin={6}
          stroke="var(--border)"
          tick={{ fill: "var(--muted)", fontSize: 12 }}
        />
        <YAxis
          domain={yDomain}
          allowDecimals={!integer}
          tickFormatter={(v: number) => formatValue(v)}
          width={56}
          stroke="var(--border)"
          tick={{ fill: "var(--muted)", fontSize: 12 }}
        />
        <Tooltip
          content={(props) => <ChartTooltip {...(props as TooltipContentProps<number, string>)} formatValue={formatValue} markers={markers} series={visible} />}
          cursor={{ stroke: "var(--muted)", strokeDasharray: "2 2" }}
          isAnimationActive={false}
        />
        {[...thresholds].sort((a, b) => b.y - a.y).map((t, i) => (
          <ReferenceLine
            key={`t-${t.y}-${t.label}`}
            y={t.y}
            stroke="var(--threshold)"
            strokeDasharray="6 4"
            strokeWidth={1.5}
            ifOverflow="extendDomain"
            // Two thresholds close together (listed high to low): the first label above its line, the next below
            // (for a horizontal line recharts draws "insideBottom" above it and "insideTop" under it).
            label={{ value: t.label, position: i % 2 === 0 ? "insideBottomLeft" : "insideTopLeft", fill: "var(--muted)", fontSize: 11 }}
            className="threshold-line"
          />
        ))}
        {markers.map((m, i) => (
          <ReferenceLine
            key={`m-${m.x}-${m.label}`}
            x={m.x}
            stroke="var(--accent)"
            strokeDasharray="2 3"
            // Labels of neighbouring markers alternate between two rows so they never overlap.
            label={(props: { viewBox?: { x?: number; y?: number } }) => (
              <text x={props.viewBox?.x ?? 0} y={(props.viewBox?.y ?? 0) - 4 - (i % 2) * 13} textAnchor="middle" fill="var(--accent)" fontSize={11}>
                {m.label}
              </text>
            )}
            className="event-marker"
          />
        ))}
        {drag && drag.from !== drag.to ? (
          <ReferenceArea x1={drag.from} x2={drag.to} fill="var(--accent)" fillOpacity={0.15} stroke="var(--accent)" strokeOpacity={0.5} className="zoom-selection" ifOverflow="hidden" />
        ) : null}
        {visible.map((s) => (
          <Line
            key={s.key}
            type="linear"
            dataKey={s.key}
            name={s.label}
            stroke={s.color}
            strokeWidth={2}
            strokeDasharray={s.dash || undefined}
            // Dots only where they can be told apart (a week or two); beyond that they cost more to draw than they say.
            dot={data.length <= 14 ? { r: 2.5, strokeDasharray: "" } : false}
            activeDot={{ r: 4 }}
            connectNulls={false}
            isAnimationActive={false}
          />
        ))}
      </RechartsLineChart>
    </div>
  );
}
