/**
 * `npm run bench`: the console's performance at scale, measured against its targets. See bench/README.md.
 *
 * Writes bench/results/latest.json and bench/results/latest.md (each measure next to its target
 * and PASS/MISS) and prints the table. Settings (environment):
 *   BENCH_QUICK=1          development run: one season, 3 runs, 3 s load runs
 *   BENCH_DATASETS=a,b     data sets to measure (season1, season5, stress)
 *   BENCH_RUNS=n           timed repetitions per measure (median reported)
 *   BENCH_LOAD_SECONDS=n   seconds per load run (1 and 10 clients)
 *   BENCH_REBUILD=1        rebuild the cached data sets under data/bench/
 *   BENCH_REUSE=1          reuse them even when built by another code version (marked in the results)
 *   BENCH_PARTS=a,b        measures to run (db, http, lists, viewers, bulk, processor, checks, incidents; default all)
 *   BENCH_CHECK_SAMPLES=n  check service samples (new runs) for its p50/p95
 *   NEXT_DIST_DIR=dir      the build to serve (default .next; built when missing)
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { type CheckServiceMeasure, measureCheckService } from "./checks";
import { type DatasetInfo, type DatasetName, ROOT, BENCH_DATA, ensureDatasets } from "./datasets";
import { type HttpMeasure, measureHttp } from "./http";
import { type IncidentsMeasure, measureIncidents } from "./incidents";
import { type ListsMeasure, measureListsOn } from "./lists";
import { type ProcessorMeasure, measureProcessorRuns } from "./processor";
import { BENCH_PARTS, type BenchPart, type BenchResults, type DbMeasure, renderMarkdown } from "./report";
import { type ViewersBothWays, measureViewersBothWays } from "./viewers";
import { type BulkMeasure, measureBulk } from "./writes";

const QUICK = process.env.BENCH_QUICK === "1";
const DATASETS = (process.env.BENCH_DATASETS?.split(",").map((s) => s.trim()) ?? (QUICK ? ["season1"] : ["season1", "season5", "stress"])) as DatasetName[];
const RUNS = Number(process.env.BENCH_RUNS ?? (QUICK ? 3 : 7));
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? (QUICK ? 3 : 30));
const DIST_DIR = process.env.NEXT_DIST_DIR || ".next";
const PARTS = new Set<BenchPart>((process.env.BENCH_PARTS?.split(",").map((s) => s.trim()) ?? BENCH_PARTS) as BenchPart[]);
const CHECK_SAMPLES = Number(process.env.BENCH_CHECK_SAMPLES ?? (QUICK ? 20 : 60));
const RESULTS = path.join(ROOT, "bench", "results");

for (const d of DATASETS) {
  if (!["season1", "season5", "stress"].includes(d)) throw new Error(`BENCH_DATASETS: unknown data set ${d}`);
}
for (const p of PARTS) {
  if (!BENCH_PARTS.includes(p)) throw new Error(`BENCH_PARTS: unknown part ${p} (known: ${BENCH_PARTS.join(", ")})`);
}

const log = (message: string) => console.log(`[bench] ${message}`);
const started = performance.now();
const loadAtStart = os.loadavg().map((x) => Math.round(x * 100) / 100);
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;

/** `next build` into DIST_DIR when it holds no build (a fresh clone). tsconfig.json is restored if Next rewrites it. */
function ensureBuilt(): void {
  if (existsSync(path.join(ROOT, DIST_DIR, "BUILD_ID"))) return;
  log(`no build in ${DIST_DIR}: running next build (about a minute)`);
  const tsconfig = path.join(ROOT, "tsconfig.json");
  const before = readFileSync(tsconfig, "utf8");
  const res = spawnSync(path.join(ROOT, "node_modules", ".bin", "next"), ["build"], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, NEXT_DIST_DIR: DIST_DIR, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (readFileSync(tsconfig, "utf8") !== before) writeFileSync(tsconfig, before);
  if (res.status !== 0) throw new Error(`next build failed (exit ${res.status})`);
}

/** In-process measures of one data set, in a child process (see measure-db.mts). */
function measureDb(info: DatasetInfo): DbMeasure {
  const out = path.join(BENCH_DATA, `${info.name}.measure.json`);
  rmSync(out, { force: true });
  const res = spawnSync(path.join(ROOT, "node_modules", ".bin", "tsx"), ["--conditions=react-server", "bench/measure-db.mts", out, String(RUNS)], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, WAREHOUSE: "embedded", EMBEDDED_DB_PATH: info.path, CACHE_TTL_SECONDS: "0", NODE_ENV: "production" },
  });
  if (res.status !== 0) throw new Error(`measuring ${info.name} failed (exit ${res.status})`);
  const measure = JSON.parse(readFileSync(out, "utf8")) as DbMeasure;
  rmSync(out, { force: true });
  return measure;
}

// Only the measures over HTTP serve the built app.
if (PARTS.has("http") || PARTS.has("checks") || PARTS.has("lists") || PARTS.has("viewers")) ensureBuilt();
log(`${QUICK ? "quick" : "full"} run: data sets ${DATASETS.join(", ")}; parts ${[...PARTS].join(", ")}; ${RUNS} runs per measure; load ${LOAD_SECONDS} s`);
// BENCH_REUSE=1: the cached data sets whatever code built them (say so in the results), when only
// the console changed and rebuilding the seasons (minutes) would measure nothing new.
const datasets = await ensureDatasets(DATASETS, { rebuild: process.env.BENCH_REBUILD === "1", anyVersion: process.env.BENCH_REUSE === "1" });
log(`data sets ready (${elapsed()})`);

const db: Partial<Record<DatasetName, DbMeasure>> = {};
const http: Partial<Record<DatasetName, HttpMeasure>> = {};
// The load runs and the bulk override go on the largest of season5 / season1 measured.
const main: DatasetName = DATASETS.includes("season5") ? "season5" : DATASETS.includes("season1") ? "season1" : DATASETS[0]!;
for (const name of DATASETS) {
  const info = datasets[name]!;
  if (PARTS.has("db")) {
    log(`${name}: monitoring queries on the adapter and through the data layer (${elapsed()})`);
    db[name] = measureDb(info);
  }
  if (PARTS.has("http")) {
    log(`${name}: the overview over HTTP${name === main ? `, then load with 1 and 10 clients for ${LOAD_SECONDS} s each` : ""} (${elapsed()})`);
    http[name] = await measureHttp(info.path, { runs: Math.max(RUNS, 5), loadSeconds: LOAD_SECONDS, load: name === main });
  }
}

const lists: Partial<Record<DatasetName, ListsMeasure>> = {};
if (PARTS.has("lists")) {
  for (const name of DATASETS) {
    log(`${name}: the list APIs' page sizes, a page of history, the full history's CSV (${elapsed()})`);
    lists[name] = await measureListsOn(datasets[name]!.path, { runs: Math.max(RUNS, 15) });
  }
}
let viewers: (ViewersBothWays & { dataset: DatasetName }) | undefined;
if (PARTS.has("viewers")) {
  log(`${main}: 100 viewers on the overview for ${LOAD_SECONDS} s, render cache on, then off (${elapsed()})`);
  viewers = { dataset: main, ...(await measureViewersBothWays(datasets[main]!.path, { connections: 100, seconds: LOAD_SECONDS, runs: Math.max(RUNS, 5) })) };
}

let bulk: BulkMeasure[] = [];
if (PARTS.has("bulk")) {
  log(`bulk override on a copy of ${main} (${elapsed()})`);
  bulk = await measureBulk(datasets[main]!.path, path.join(BENCH_DATA, "writes.duckdb"), datasets[main]!.plan.simulateThrough, QUICK ? 1 : 3);
}
let processor: ProcessorMeasure[] = [];
if (PARTS.has("processor")) {
  log(`processor runs for 10, 450 and 4,500 entities (${elapsed()})`);
  processor = await measureProcessorRuns(datasets.season1!.today, QUICK ? 1 : 3);
}
const incidents: Partial<Record<DatasetName, IncidentsMeasure>> = {};
if (PARTS.has("incidents")) {
  for (const name of DATASETS.filter((d) => d !== "stress")) {
    log(`${name}: incidents, cold and with the data unchanged (${elapsed()})`);
    incidents[name] = await measureIncidents(datasets[name]!, RUNS);
  }
}
let checks: (CheckServiceMeasure & { dataset: DatasetName }) | undefined;
if (PARTS.has("checks")) {
  log(`check service over HTTP on a copy of ${main}: ${CHECK_SAMPLES} runs of 450 players, check then outcomes (${elapsed()})`);
  const info = datasets[main]!;
  checks = {
    dataset: main,
    ...(await measureCheckService(info.path, path.join(BENCH_DATA, "checks.duckdb"), { lastDate: info.plan.simulateThrough, calendar: info.plan.calendar, samples: CHECK_SAMPLES })),
  };
}

const results: BenchResults = {
  generated_at: new Date().toISOString(),
  mode: QUICK ? "quick" : "full",
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? "unknown", memory_gb: Math.round(os.totalmem() / 2 ** 30), node: process.version, loadavg_at_start: loadAtStart },
  settings: { runs: RUNS, load_seconds: LOAD_SECONDS, datasets: DATASETS, main, dist_dir: DIST_DIR, parts: [...PARTS], check_samples: CHECK_SAMPLES },
  datasets: Object.fromEntries(DATASETS.map((n) => [n, datasets[n]!])) as BenchResults["datasets"],
  db,
  http,
  lists,
  viewers,
  bulk,
  processor,
  checks,
  incidents,
  duration_s: Math.round((performance.now() - started) / 1000),
};

mkdirSync(RESULTS, { recursive: true });
const markdown = renderMarkdown(results);
// A run of some parts only goes beside the full run's files (latest-checks.md, …), never over them.
const stem = BENCH_PARTS.every((p) => PARTS.has(p)) ? "latest" : `latest-${[...PARTS].join("+")}`;
// Written beside and renamed, so an interrupted run never leaves half a file.
for (const [file, text] of [[`${stem}.json`, `${JSON.stringify(results, null, 2)}\n`], [`${stem}.md`, markdown]] as const) {
  writeFileSync(path.join(RESULTS, `${file}.tmp`), text);
  renameSync(path.join(RESULTS, `${file}.tmp`), path.join(RESULTS, file));
}
console.log(`\n${markdown}`);
log(`done in ${elapsed()}: bench/results/${stem}.md and ${stem}.json`);
