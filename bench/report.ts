/** The benchmark's results: their JSON shape, the targets and the markdown table. */
import type { CheckServiceMeasure } from "./checks";
import type { DatasetInfo, DatasetName } from "./datasets";
import type { HttpMeasure } from "./http";
import type { IncidentsMeasure } from "./incidents";
import type { ListsMeasure } from "./lists";
import type { ProcessorMeasure } from "./processor";
import type { ViewersBothWays } from "./viewers";
import type { BulkMeasure } from "./writes";
import type { MonitoringQueryName } from "@/lib/monitoring/schemas";

import { type Timing, round } from "./stats";

/** The benchmark's parts (`BENCH_PARTS` picks some; all by default). */
export const BENCH_PARTS = ["db", "http", "lists", "viewers", "bulk", "processor", "checks", "incidents"] as const;
export type BenchPart = (typeof BENCH_PARTS)[number];

/** One data set's in-process measures (bench/measure-db.mts). */
export interface QueryMeasure {
  name: MonitoringQueryName | "data-as-of";
  rows: number;
  /** Size of the rows as JSON (what the API would send). */
  json_bytes: number;
  floor: Timing;
  data_layer: Timing;
}

export interface DbMeasure {
  as_of: string;
  now: string;
  queries: QueryMeasure[];
  /** The nine monitoring queries run in parallel on the adapter. */
  floor_parallel: Timing;
  /** The overview's own queries on the adapter: data-as-of, then health, readiness and trends in parallel. */
  overview_floor: Timing;
  /** data-as-of, then health ×2 (alerts and table), readiness, trends in parallel, through the data layer. */
  overview_data_layer: Timing;
}

export interface BenchResults {
  generated_at: string;
  mode: "quick" | "full";
  machine: { cpus: number; cpu: string; memory_gb: number; node: string; loadavg_at_start: number[] };
  settings: { runs: number; load_seconds: number; datasets: DatasetName[]; main: DatasetName; dist_dir: string; parts?: BenchPart[]; check_samples?: number };
  datasets: Partial<Record<DatasetName, DatasetInfo>>;
  db: Partial<Record<DatasetName, DbMeasure>>;
  http: Partial<Record<DatasetName, HttpMeasure>>;
  /** The list APIs per data set: page sizes, a page of history, the history's CSV (absent from older results). */
  lists?: Partial<Record<DatasetName, ListsMeasure>>;
  /** 100 viewers on the overview, render cache on and off (absent from older results). */
  viewers?: ViewersBothWays & { dataset: DatasetName };
  bulk: BulkMeasure[];
  processor: ProcessorMeasure[];
  /** The check service over HTTP: one 450-player run's check and outcomes (absent from older results). */
  checks?: CheckServiceMeasure & { dataset: DatasetName };
  /** Incidents per data set: cold and warm (version hit) computation (absent from older results). */
  incidents?: Partial<Record<DatasetName, IncidentsMeasure>>;
  duration_s: number;
}

export interface TargetRow {
  measure: string;
  value: string;
  target: string;
  pass: boolean | null;
}

const LABEL: Record<DatasetName, string> = { season1: "1 season", season5: "5 seasons", stress: "stress" };
const n = (x: number) => x.toLocaleString("en-US");
const ms = (x: number) => `${n(round(x))} ms`;

/** Page time over the floor: the HTTP page median over the nine queries in parallel on the adapter. */
export function pageFloorRatio(r: BenchResults, name: DatasetName): number | null {
  const page = r.http[name]?.page.median_ms;
  const floor = r.db[name]?.floor_parallel.median_ms;
  return page && floor ? round(page / floor, 2) : null;
}

export function targets(r: BenchResults): TargetRow[] {
  const main = r.settings.main;
  const on = `(${LABEL[main]})`;
  const rows: TargetRow[] = [];
  const load1 = r.http[main]?.load.find((l) => l.connections === 1);
  const load10 = r.http[main]?.load.find((l) => l.connections === 10);
  if (load1) rows.push({ measure: `Overview p50, 1 client ${on}`, value: ms(load1.p50_ms), target: "≤ 150 ms", pass: load1.p50_ms <= 150 });
  const ratio = pageFloorRatio(r, main);
  if (ratio !== null) {
    rows.push({
      measure: `Overview page / floor ${on}`,
      value: `${ratio} (${ms(r.http[main]!.page.median_ms)} / ${ms(r.db[main]!.floor_parallel.median_ms)})`,
      target: "≤ 1.5",
      pass: ratio <= 1.5,
    });
  }
  if (load10) {
    rows.push({
      measure: `Overview p95, 10 clients ${on}`,
      value: `${ms(load10.p95_ms)}, ${load10.errors} errors`,
      target: "≤ 1,500 ms, 0 errors",
      pass: load10.p95_ms <= 1500 && load10.errors === 0,
    });
  }
  const s5 = r.lists?.season5 ?? r.lists?.[main];
  if (s5) {
    const where = r.lists?.season5 ? "5 seasons" : LABEL[main];
    const largest = s5.sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    rows.push({ measure: `Largest list API response (${where}; every list, default page and page_size=500)`, value: `${n(Math.round(largest.bytes / 1024))} KB (${largest.name}, ${largest.page === "500" ? "page_size=500" : "default page"})`, target: "≤ 250 KB", pass: largest.bytes <= 250 * 1024 });
    const csv = s5.csv;
    rows.push({
      measure: `Full history CSV: server memory growth (${where})`,
      value: csv.rss_growth_mb === null ? "not measurable here" : `${csv.rss_growth_mb} MB (${n(csv.rows)} rows, ${n(Math.round(csv.bytes / 1024))} KB)`,
      target: "< 50 MB",
      pass: csv.rss_growth_mb === null ? null : csv.rss_growth_mb < 50,
    });
  }
  const stressPage = r.lists?.stress?.history_page.find((p) => p.page === 1);
  if (stressPage) rows.push({ measure: "A page of breaker history, p50 (stress)", value: ms(stressPage.p50_ms), target: "≤ 100 ms", pass: stressPage.p50_ms <= 100 });
  if (r.viewers) {
    const v = r.viewers;
    const at = `(${LABEL[v.dataset]})`;
    rows.push({ measure: `Overview p95, 100 viewers, render cache on ${at}`, value: `${ms(v.on.load.p95_ms)}, ${v.on.load.errors} errors`, target: "≤ 500 ms, 0 errors", pass: v.on.load.p95_ms <= 500 && v.on.load.errors === 0 });
    rows.push({ measure: `Overview p95, 100 viewers, render cache off ${at}`, value: `${ms(v.off.load.p95_ms)}, ${v.off.load.errors} errors`, target: "measured", pass: null });
    const floor = r.db[v.dataset]?.floor_parallel.median_ms;
    if (floor) {
      for (const run of [v.on, v.off]) {
        const ratio = round(run.page.median_ms / floor, 2);
        rows.push({ measure: `Overview page / floor, render cache ${run.render_cache}, monitoring cache ${v.monitoring_ttl_s} s ${at}`, value: `${ratio} (${ms(run.page.median_ms)} / ${ms(floor)})`, target: "≤ 1.5", pass: ratio <= 1.5 });
      }
    }
  }
  const bulk1k = r.bulk.find((b) => b.keys === 1_000);
  if (bulk1k) {
    rows.push({ measure: `Bulk override 1,000 keys: preview ${on}`, value: ms(bulk1k.preview.median_ms), target: "≤ 1,000 ms", pass: bulk1k.preview.median_ms <= 1000 });
    rows.push({ measure: `Bulk override 1,000 keys: apply ${on}`, value: ms(bulk1k.apply.median_ms), target: "≤ 1,000 ms", pass: bulk1k.apply.median_ms <= 1000 });
  }
  for (const [name, m] of Object.entries(r.incidents ?? {}) as [DatasetName, IncidentsMeasure][]) {
    // The overview reads incidents on every load: the warm path must fit the overview's budget.
    rows.push({ measure: `Incidents, data unchanged (${LABEL[name]})`, value: `${ms(m.warm.median_ms)}, ${m.warm_queries} query`, target: "≤ 150 ms", pass: m.warm.median_ms <= 150 });
    rows.push({ measure: `Incidents, recomputed (${LABEL[name]})`, value: `${ms(m.cold.median_ms)}, ${n(m.cold_queries)} queries for ${n(m.keys)} keys`, target: "measured", pass: null });
  }
  for (const processor of [...new Set(r.processor.map((p) => p.processor))]) {
    const runs = r.processor.filter((p) => p.processor === processor);
    const calls = runs.map((p) => p.queries + p.transactions);
    rows.push({
      measure: `Warehouse calls per ${processor} run (${runs.map((p) => n(p.entities)).join(" / ")} entities)`,
      value: calls.join(" / "),
      target: "constant",
      pass: calls.every((c) => c === calls[0]),
    });
  }
  if (r.checks) {
    const c = r.checks;
    rows.push({
      measure: `Check of ${n(c.entities)} entities over HTTP, p95 (${LABEL[c.dataset]}, ${c.samples} runs)`,
      value: `${ms(c.check.p95_ms)} (p50 ${ms(c.check.p50_ms)}; outcomes p95 ${ms(c.outcomes.p95_ms)})`,
      target: "≤ 300 ms",
      pass: c.check.p95_ms <= 300,
    });
  }
  const s1 = r.datasets.season1;
  if (s1) {
    rows.push({
      measure: "One season builds (simulator + engine night by night)",
      value: `${s1.buildSeconds} s${s1.cached ? ` (cached, built ${s1.builtAt.slice(0, 16).replace("T", " ")})` : ""}`,
      target: "≤ 60 s",
      pass: s1.buildSeconds <= 60,
    });
  }
  return rows;
}

function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map((h, i) => (i === 0 ? "---" : "---:"))), ...rows.map(line)].join("\n");
}

export function renderMarkdown(r: BenchResults): string {
  const names = r.settings.datasets;
  const out: string[] = [];
  out.push(`# Benchmark results`);
  out.push(
    `${r.mode === "quick" ? "**Quick run** (BENCH_QUICK=1: not the measured configuration). " : ""}` +
      `${r.generated_at.slice(0, 16).replace("T", " ")} UTC · ${r.machine.cpus} × ${r.machine.cpu} · ${r.machine.memory_gb} GB · Node ${r.machine.node} · ` +
      `load average at start ${r.machine.loadavg_at_start.join(" / ")} · ${r.settings.runs} runs per measure (medians) · ` +
      `load runs ${r.settings.load_seconds} s · embedded DuckDB · monitoring cache off · whole run ${r.duration_s < 120 ? `${r.duration_s} s` : `${Math.round(r.duration_s / 60)} min`}` +
      (r.settings.parts && r.settings.parts.length < BENCH_PARTS.length ? ` · **only ${r.settings.parts.join(", ")}** (BENCH_PARTS)` : ""),
  );
  out.push(`## Targets`);
  out.push(table(["measure", "value", "target", "result"], targets(r).map((t) => [t.measure, t.value, t.target, t.pass === null ? "–" : t.pass ? "PASS" : "MISS"])));

  out.push(`## Data sets`);
  out.push(
    table(
      ["data set", "seasons", "output rows", "breaker rows", "upstream rows", "file", "built in"],
      names.map((name) => {
        const d = r.datasets[name]!;
        const built = d.name === "stress" ? `${d.buildSeconds} s (×${d.replication} entities by SQL)` : d.name === "season5" ? `${d.buildSeconds} s (+4 seasons: ${d.seasonSeconds.join(", ")} s)` : `${d.buildSeconds} s`;
        return [LABEL[name], d.seasons, n(d.rows.output), n(d.rows.attempts), n(d.rows.upstream), `${n(Math.round(d.fileBytes / 2 ** 20))} MB`, `${built}${d.cached ? (d.otherVersion ? " · cached, built by an earlier code version (BENCH_REUSE=1)" : " · cached") : ""}`];
      }),
    ),
  );

  if (Object.keys(r.db).length || Object.keys(r.http).length) renderMonitoring(r, names, out);
  if (r.lists && Object.keys(r.lists).length) renderLists(r, out);
  if (r.viewers) {
    const v = r.viewers;
    out.push(`## 100 viewers on the overview (${LABEL[v.dataset]}, ${v.on.load.seconds} s each, monitoring cache ${v.monitoring_ttl_s} s)`);
    out.push(
      table(
        ["render cache", "page alone (median ms)", "requests", "p50 ms", "p95 ms", "p99 ms", "requests/s", "errors"],
        [v.on, v.off].map((run) => [run.render_cache, run.page.median_ms, n(run.load.requests), run.load.p50_ms, run.load.p95_ms, run.load.p99_ms, run.load.requests_per_s, run.load.errors]),
      ),
    );
  }
  if (r.bulk.length) {
    out.push(`## Bulk override (${LABEL[r.settings.main]}, median ms)`);
    out.push(
      table(
        ["keys", "select (filter)", "preview", "apply", "preview + apply", "runs", "applied"],
        r.bulk.map((b) => [n(b.keys), b.select.median_ms, b.preview.median_ms, b.apply.median_ms, b.total_ms, b.apply.runs, n(b.applied)]),
      ),
    );
  }
  if (r.processor.length) {
    out.push(`## Processor runs (median ms, warehouse calls per run)`);
    out.push(
      table(
        ["processor", "entities", "time", "queries", "write transactions"],
        r.processor.map((p) => [p.processor, n(p.entities), p.time.median_ms, p.queries, p.transactions]),
      ),
    );
  }
  if (r.incidents && Object.keys(r.incidents).length) {
    out.push(`## Incidents (median ms; cold = nothing cached, warm = data version unchanged)`);
    out.push(
      table(
        ["data set", "incidents (open)", "keys", "unexplained", "cold", "cold queries", "warm", "warm queries"],
        (Object.entries(r.incidents) as [DatasetName, IncidentsMeasure][]).map(([name, m]) => [
          LABEL[name],
          `${n(m.incidents)} (${n(m.open)})`,
          n(m.keys),
          n(m.unexplained),
          m.cold.median_ms,
          n(m.cold_queries),
          m.warm.median_ms,
          m.warm_queries,
        ]),
      ),
    );
  }
  if (r.checks) {
    const c = r.checks;
    out.push(`## The check service over HTTP (${LABEL[c.dataset]}, ${c.samples} runs of ${n(c.entities)} entities)`);
    out.push(
      `\`${c.processor}\`, one night each from ${c.dates.from} to ${c.dates.to}, a \`pipeline\` token, \`next start\`: each run a new run_id (evaluated and written, never a stored answer), ` +
        `its check then its outcomes, timed to the last byte; server CPU: user + system time of the server process per call (on a busy machine the wall time also counts waits for a core). In all: ${n(c.process)} process, ${n(c.skip)} skip decisions; the outcomes appended ${n(c.rows_written)} attempt rows.`,
    );
    out.push(
      table(
        ["call", "p50 ms", "p95 ms", "max ms", "server CPU ms (mean)", "answer (mean)"],
        (
          [
            ["POST /api/v1/checks", c.check],
            ["POST /api/v1/checks/{run_id}/outcomes", c.outcomes],
          ] as const
        ).map(([call, m]) => [call, m.p50_ms, m.p95_ms, m.max_ms, m.server_cpu_ms ?? "–", `${n(Math.round(m.bytes / 1024))} KB`]),
      ),
    );
  }
  return `${out.join("\n\n")}\n`;
}

/** The list APIs: each list's page sizes, the history's pages and its CSV, per data set. */
function renderLists(r: BenchResults, out: string[]): void {
  const sets = Object.entries(r.lists ?? {}) as [DatasetName, ListsMeasure][];
  out.push(`## The list APIs (monitoring cache off)`);
  out.push("JSON size of each list's default page and of `page_size=500` (a list may answer fewer rows than asked: its `page_size` says how many), signed in as a viewer.");
  const names = sets[0]![1].sizes.map((s) => `${s.name}|${s.page}`);
  out.push(
    table(
      ["list", "page", ...sets.map(([d]) => `${LABEL[d]} KB (rows / total)`)],
      names.map((key) => {
        const [name, page] = key.split("|");
        return [
          name!,
          page === "500" ? "page_size=500" : "default",
          ...sets.map(([, m]) => {
            const s = m.sizes.find((x) => x.name === name && x.page === page);
            return s ? `${n(Math.round(s.bytes / 1024))} (${s.rows ?? "–"} / ${s.total === null ? "–" : n(s.total)})${s.status === 200 ? "" : ` HTTP ${s.status}`}` : "–";
          }),
        ];
      }),
    ),
  );
  out.push(
    table(
      ["data set", "history page 1 p50 / p95 ms", "history page 5 p50 / p95 ms", "history CSV rows", "CSV", "CSV time", "server RSS before → peak (growth)"],
      sets.map(([d, m]) => {
        const page = (k: number) => m.history_page.find((p) => p.page === k);
        const fmt = (k: number) => (page(k) ? `${page(k)!.p50_ms} / ${page(k)!.p95_ms}` : "–");
        const c = m.csv;
        return [LABEL[d], fmt(1), fmt(5), n(c.rows), `${n(Math.round(c.bytes / 1024))} KB`, ms(c.ms), c.rss_growth_mb === null ? "–" : `${c.rss_before_mb} → ${c.rss_peak_mb} MB (+${c.rss_growth_mb} MB)`];
      }),
    ),
  );
}

/** The data layer and the overview: the sections of the `db` and `http` parts. */
function renderMonitoring(r: BenchResults, names: DatasetName[], out: string[]): void {
  out.push(`## Monitoring queries: engine floor vs. data layer (median ms)`);
  out.push(
    "Floor: the query's SQL on the DuckDB adapter, no cache. Data layer: `getMonitoring` (role check, definition, zod validation of every row), cache off. Rows and JSON size on " +
      `${LABEL[r.settings.main]}.`,
  );
  const queryNames = r.db[names[0]!]?.queries.map((q) => q.name) ?? [];
  out.push(
    table(
      ["query", ...names.flatMap((d) => [`${LABEL[d]} floor`, `${LABEL[d]} data layer`]), "rows", "JSON"],
      queryNames.map((q): (string | number)[] => {
        const main = r.db[r.settings.main]?.queries.find((x) => x.name === q);
        return [
          q,
          ...names.flatMap((d): (string | number)[] => {
            const m = r.db[d]?.queries.find((x) => x.name === q);
            return m ? [m.floor.median_ms, m.data_layer.median_ms] : ["–", "–"];
          }),
          main ? n(main.rows) : "–",
          main ? `${n(Math.round(main.json_bytes / 1024))} KB` : "–",
        ];
      }),
    ),
  );

  out.push(`## The overview page (median ms)`);
  out.push(
    "Floor: the nine monitoring queries in parallel on the adapter (the issue's floor for the ratio). The overview's queries: the four the page needs (data as of, then health, readiness and trends in parallel) on the adapter. Data layer: the overview's reads as the page makes them (data as of, then health for the alerts, health, readiness and trends in parallel). Page: `GET /` from `next start`, signed in, to the last byte.",
  );
  out.push(
    table(
      ["data set", "floor (9 in parallel)", "overview's queries on the adapter", "overview reads, data layer", "page over HTTP", "page / floor", "page / overview's queries", "HTML"],
      names.map((d) => [
        LABEL[d],
        r.db[d]?.floor_parallel.median_ms ?? "–",
        r.db[d]?.overview_floor.median_ms ?? "–",
        r.db[d]?.overview_data_layer.median_ms ?? "–",
        r.http[d]?.page.median_ms ?? "–",
        pageFloorRatio(r, d) ?? "–",
        r.http[d] && r.db[d] ? round(r.http[d]!.page.median_ms / r.db[d]!.overview_floor.median_ms, 2) : "–",
        r.http[d] ? `${n(Math.round(r.http[d]!.page_bytes / 1024))} KB` : "–",
      ]),
    ),
  );

  const load = r.http[r.settings.main]?.load ?? [];
  if (load.length) {
    out.push(`## The overview under load (${LABEL[r.settings.main]}, autocannon, ${r.settings.load_seconds} s each)`);
    out.push(
      table(
        ["clients", "requests", "p50 ms", "p95 ms", "p99 ms", "requests/s", "errors"],
        load.map((l) => [l.connections, n(l.requests), l.p50_ms, l.p95_ms, l.p99_ms, l.requests_per_s, `${l.errors}${l.non2xx ? ` (${l.non2xx} non-2xx)` : ""}`]),
      ),
    );
  }

}
