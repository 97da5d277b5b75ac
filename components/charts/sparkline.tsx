import { formatDateShort, formatPct } from "@/lib/format";

/**
 * A 7-day sparkline as plain SVG (no chart library: it renders on the server and costs the
 * overview no JavaScript). Its accessible name lists every value, so nothing is told by the
 * shape alone; missing days are gaps, not zeros. The dashed line is the threshold.
 */
export function Sparkline({
  points,
  threshold,
  label,
  width = 112,
  height = 30,
}: {
  points: readonly { date: string; value: number | null }[];
  threshold?: number;
  label: string;
  width?: number;
  height?: number;
}) {
  const values = points.map((p) => p.value).filter((v): v is number => v !== null);
  const description = `${label}: ${points.map((p) => `${formatDateShort(p.date)} ${p.value === null ? "no data" : formatPct(p.value)}`).join(", ")}`;
  if (values.length === 0) {
    return (
      <span className="spark-empty" role="img" aria-label={description}>
        no data
      </span>
    );
  }
  const pad = 3;
  const lo = Math.max(0, Math.min(...values, threshold ?? 100) - 5);
  const hi = 100;
  const x = (i: number) => pad + (i * (width - 2 * pad)) / Math.max(1, points.length - 1);
  const y = (v: number) => height - pad - ((v - lo) * (height - 2 * pad)) / Math.max(1, hi - lo);
  // Segments between consecutive known values; a null breaks the line.
  const segments: string[] = [];
  let current = "";
  points.forEach((p, i) => {
    if (p.value === null) {
      if (current) segments.push(current);
      current = "";
      return;
    }
    current += `${current ? "L" : "M"}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`;
  });
  if (current) segments.push(current);
  const lastIndex = points.findLastIndex((p) => p.value !== null);
  const last = points[lastIndex]!;
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={description}>
      {threshold !== undefined ? (
        <line className="spark-threshold" x1={pad} x2={width - pad} y1={y(threshold)} y2={y(threshold)} />
      ) : null}
      {segments.map((d, i) => (
        <path key={i} className="spark-line" d={d} />
      ))}
      {points.map((p, i) => (p.value !== null && (i === 0 || points[i - 1]!.value === null) && (i === points.length - 1 || points[i + 1]!.value === null) ? (
        <circle key={`dot-${i}`} className="spark-line-dot" cx={x(i)} cy={y(p.value)} r={1.6} />
      ) : null))}
      <circle className="spark-dot" cx={x(lastIndex)} cy={y(last.value!)} r={2.4} />
    </svg>
  );
}
