"use client";

import { TimeLineChart } from "@/components/charts/line-chart";
import { formatCount } from "@/lib/format";

const SERIES = [{ key: "trips", label: "Breakers tripped", color: "var(--series-1)", dash: "" }];

/** Trips per UTC day, from the incident's first trip to its last (zero between). */
export function TripsChart({ data }: { data: { x: string; trips: number }[] }) {
  return (
    <TimeLineChart
      title="Breakers tripped per day"
      data={data}
      series={SERIES}
      formatValue={(v) => formatCount(v)}
      yDomain={[0, "auto"]}
      integer
      height={220}
      testId="incident-trips-chart"
    />
  );
}
