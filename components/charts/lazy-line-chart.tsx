"use client";

/**
 * The time-line chart, mounted only when it enters the viewport: recharts (its code and the work
 * of laying out every series, about half a second per chart on a throttled phone) is loaded and
 * run for the charts a person scrolls to, not for all six while the page starts. Until then a box of the chart's exact height stands in, so
 * nothing below it moves when it draws. Its figures are in the table under each chart from the
 * start, so nothing is only in the chart.
 */
import dynamic from "next/dynamic";
import { startTransition, useEffect, useRef, useState } from "react";

import type { TimeLineChartProps } from "./line-chart";

const TimeLineChart = dynamic(() => import("./line-chart").then((m) => m.TimeLineChart), { ssr: false });

/** A chart mounts when its box enters the viewport (its room is held, so it draws in place). */
const MOUNT_MARGIN = "0px";

export function LazyTimeLineChart(props: TimeLineChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const [near, setNear] = useState(false);
  useEffect(() => {
    const el = box.current;
    if (!el || near) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        // A transition: React may yield to input while the chart renders.
        startTransition(() => setNear(true));
        observer.disconnect();
      }
    }, { rootMargin: MOUNT_MARGIN });
    observer.observe(el);
    return () => observer.disconnect();
  }, [near]);
  const height = props.height ?? 300;
  return (
    <div ref={box} style={{ minHeight: height }} data-testid={props.testId} data-chart-pending={near ? undefined : "true"}>
      {near ? <TimeLineChart {...props} testId={undefined} /> : null}
    </div>
  );
}
