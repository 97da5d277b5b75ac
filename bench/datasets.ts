/**
 * The benchmark's data sets, made by the demo simulator (lib/demo) and cached under data/bench/:
 *
 * - `season1`: today's demo season, exactly as `npm start` builds it (`planDemoSeason`,
 *   `buildDemoDatabase`: the real engine night by night). Its build is the "season builds in
 *   ≤ 60 s" measure.
 * - `season5`: five consecutive seasons (`planDemoSeasons(today, 5)`): a copy of `season1` plus
 *   the four seasons before it, each built by the same `buildDemoDatabase`. The window queries are
 *   bounded by the season's opening night, so seasons do not affect each other and the copy
 *   saves rebuilding the latest one (the engine's decisions for the latest season's dates are
 *   the same under the one-season and the five-season calendars: both resolve them to its
 *   opening night).
 * - `stress`: `season5` with its output tables and reprocess_attempts replicated by SQL into
 *   more entities (`lebronjames` → `lebronjamesx2`, `LAL` → `LALx2`, …; upstream tables are left
 *   alone) until the output tables hold about 10 million rows: a league with N times the
 *   entities, same dates, same per-entity histories.
 *
 * A data set is reused when its `.bench.json` names the same code version (a hash of the
 * simulator, engine, domain rules, schema and write SQL, and this file) and it was built at most
 * three days ago (the demo database's own staleness rule: the simulation ends the day before it
 * is built, and breaker state is read at the current time); else it is rebuilt.
 * `BENCH_REBUILD=1` forces a rebuild.
 */
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

import { daysBetween } from "@/lib/completeness/dates";
import { PROCESSORS } from "@/lib/completeness/processors";
import { buildDemoDatabase, type BuildSummary } from "@/lib/demo/build";
import * as breakerQueries from "@/lib/queries/breakers";
import * as completenessQueries from "@/lib/queries/completeness";
import { writeDemoMetadata } from "@/lib/demo/metadata";
import { type DemoPlan, planDemoSeason, planDemoSeasons } from "@/lib/demo/plan";
import { createDuckDbWarehouse } from "@/lib/warehouse/duckdb";
import { applyEmbeddedSchema } from "@/lib/warehouse/schema";
import type { Warehouse } from "@/lib/warehouse/types";

export const ROOT = process.cwd();
export const BENCH_DATA = path.join(ROOT, "data", "bench");

export type DatasetName = "season1" | "season5" | "stress";

export interface DatasetInfo {
  name: DatasetName;
  path: string;
  codeVersion: string;
  today: string;
  builtAt: string;
  /** Seconds this data set's own build step took (season5: the four added seasons; stress: the replication). */
  buildSeconds: number;
  /** Seconds per simulated season built in this step. */
  seasonSeconds: number[];
  seasons: number;
  plan: DemoPlan;
  rows: { output: number; attempts: number; upstream: number; byTable: Record<string, number> };
  /** stress only: how many copies of each entity. */
  replication?: number;
  fileBytes: number;
  /** True when this run reused a cached file. */
  cached?: boolean;
  /** True when that file was built by another version of the code (BENCH_REUSE=1). */
  otherVersion?: boolean;
}

const VERSION_SOURCES = [
  "lib/demo",
  "lib/engine/run-processor.ts",
  "lib/engine/breaker-writes.ts",
  "lib/completeness",
  "lib/queries/completeness.ts",
  "lib/queries/breakers.ts",
  "lib/queries/define-query.ts",
  "lib/warehouse/duckdb.ts",
  "lib/warehouse/schema.ts",
  "lib/warehouse/ddl.ts",
  "sql/schema",
  "bench/datasets.ts",
];

/**
 * The SQL files of the queries the engine and the breaker writes run, from their definitions —
 * not every file beside them: a new read-only query for a page does not change the data.
 */
function engineSqlFiles(): string[] {
  return [...Object.values(completenessQueries), ...Object.values(breakerQueries)]
    .flatMap((v) => (v && typeof v === "object" && "file" in v && typeof v.file === "string" ? [`sql/${v.file}`] : []))
    .sort();
}

function filesUnder(rel: string): string[] {
  const abs = path.join(ROOT, rel);
  if (!existsSync(abs)) return [];
  if (statSync(abs).isFile()) return [rel];
  return readdirSync(abs)
    .sort()
    .flatMap((name) => filesUnder(path.join(rel, name)))
    .filter((f) => !/\.test\.ts$/.test(f));
}

/** Hash of the code that decides a data set's content: same hash, same rows. */
export function codeVersion(): string {
  const hash = createHash("sha256");
  for (const file of [...VERSION_SOURCES, ...engineSqlFiles()].flatMap(filesUnder)) {
    hash.update(file).update("\0").update(readFileSync(path.join(ROOT, file))).update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

export function datasetPath(name: DatasetName): string {
  return path.join(BENCH_DATA, `${name}.duckdb`);
}

function infoPath(dbPath: string): string {
  return `${dbPath}.bench.json`;
}

function readInfo(dbPath: string): DatasetInfo | null {
  try {
    return JSON.parse(readFileSync(infoPath(dbPath), "utf8")) as DatasetInfo;
  } catch {
    return null;
  }
}

function openDb(file: string): Warehouse {
  return createDuckDbWarehouse({ path: file, onOpen: applyEmbeddedSchema });
}

function removeDb(file: string): void {
  for (const f of [file, `${file}.wal`, infoPath(file), `${file}.demo.json`]) rmSync(f, { force: true });
}

async function countRows(wh: Warehouse): Promise<DatasetInfo["rows"]> {
  const tables = [
    ...PROCESSORS.map((p) => p.table),
    "nba_orchestration.reprocess_attempts",
    "nba_raw.nbac_schedule",
    "nba_raw.bdl_player_boxscores",
    "nba_analytics.player_game_summary",
    "nba_analytics.team_defense_game_summary",
  ];
  const byTable: Record<string, number> = {};
  for (const t of tables) {
    const [row] = await wh.query(`SELECT COUNT(*) AS n FROM ${t}`);
    byTable[t] = Number(row!.n);
  }
  const output = PROCESSORS.reduce((sum, p) => sum + byTable[p.table]!, 0);
  const upstream = ["nba_raw.nbac_schedule", "nba_raw.bdl_player_boxscores", "nba_analytics.player_game_summary", "nba_analytics.team_defense_game_summary"]
    .reduce((sum, t) => sum + byTable[t]!, 0);
  return { output, attempts: byTable["nba_orchestration.reprocess_attempts"]!, upstream, byTable };
}

const log = (message: string) => console.log(`[bench] ${message}`);

function progress(label: string) {
  let last = -1;
  return (p: { day: number; days: number }) => {
    const decile = Math.floor((p.day / p.days) * 10);
    if (decile > last) {
      last = decile;
      if (process.stdout.isTTY) process.stdout.write(`\r[bench] ${label}: night ${p.day}/${p.days}   ${p.day === p.days ? "\n" : ""}`);
    }
  };
}

/** Builds into `<file>.building` and renames into place, so an interrupted build leaves nothing half-made. */
async function buildInto(file: string, from: string | null, fill: (wh: Warehouse) => Promise<void>): Promise<void> {
  const tmp = `${file}.building`;
  removeDb(tmp);
  if (from) copyFileSync(from, tmp);
  const wh = openDb(tmp);
  try {
    await fill(wh);
    await wh.execute("CHECKPOINT");
  } catch (error) {
    await wh.close();
    removeDb(tmp);
    throw error;
  }
  await wh.close();
  removeDb(file);
  renameSync(tmp, file);
  rmSync(`${tmp}.wal`, { force: true });
}

async function finish(file: string, info: Omit<DatasetInfo, "rows" | "fileBytes">): Promise<DatasetInfo> {
  const wh = openDb(file);
  let rows: DatasetInfo["rows"];
  try {
    rows = await countRows(wh);
  } finally {
    await wh.close();
  }
  const full: DatasetInfo = { ...info, rows, fileBytes: statSync(file).size };
  // The console reads the season calendar from the demo metadata beside the file.
  writeDemoMetadata(file, { plan: info.plan, builtAt: info.builtAt, buildSeconds: info.buildSeconds, summary: { bench: info.name } });
  writeFileSync(infoPath(file), `${JSON.stringify(full, null, 2)}\n`);
  return full;
}

async function buildSeason1(file: string, version: string, today: string): Promise<DatasetInfo> {
  const plan = planDemoSeason(today);
  log(`building season1: the demo season ${plan.seasonStart} … ${plan.simulateThrough} (about a minute)`);
  let seconds = 0;
  let summary: BuildSummary | undefined;
  await buildInto(file, null, async (wh) => {
    const started = performance.now();
    summary = await buildDemoDatabase(wh, plan, progress("season1"));
    seconds = (performance.now() - started) / 1000;
  });
  log(`season1 built in ${seconds.toFixed(1)} s (${summary!.runs} processor runs, ${summary!.outputRows} output rows)`);
  return finish(file, {
    name: "season1",
    path: file,
    codeVersion: version,
    today,
    builtAt: new Date().toISOString(),
    buildSeconds: round(seconds),
    seasonSeconds: [round(seconds)],
    seasons: 1,
    plan,
  });
}

async function buildSeason5(file: string, from: string, version: string, today: string): Promise<DatasetInfo> {
  const plans = planDemoSeasons(today, 5);
  const earlier = plans.slice(0, -1);
  log(`building season5: season1 plus ${earlier.map((p) => `${p.seasonStart}…${p.simulateThrough}`).join(", ")} (about a minute each)`);
  const seasonSeconds: number[] = [];
  const started = performance.now();
  await buildInto(file, from, async (wh) => {
    for (const plan of earlier) {
      const t0 = performance.now();
      await buildDemoDatabase(wh, plan, progress(`season5 ${plan.seasonStart}`));
      seasonSeconds.push(round((performance.now() - t0) / 1000));
      log(`  season ${plan.seasonStart} built in ${seasonSeconds.at(-1)} s`);
    }
  });
  return finish(file, {
    name: "season5",
    path: file,
    codeVersion: version,
    today,
    builtAt: new Date().toISOString(),
    buildSeconds: round((performance.now() - started) / 1000),
    seasonSeconds,
    seasons: 5,
    plan: plans.at(-1)!,
  });
}

export const STRESS_OUTPUT_ROWS = 10_000_000;
/** As the demo database (scripts/demo.mts): a data set whose simulation ended more than 3 days ago is rebuilt. */
const STALE_AFTER_DAYS = 3;

async function buildStress(file: string, from: DatasetInfo, version: string, today: string): Promise<DatasetInfo> {
  const copies = Math.max(2, Math.round(STRESS_OUTPUT_ROWS / from.rows.output));
  log(`building stress: season5's ${from.rows.output} output rows × ${copies} entity copies (SQL)`);
  const started = performance.now();
  await buildInto(file, from.path, async (wh) => {
    // Copy r of every entity gets the suffix `x<r>`; copy 1 is the original. Only the columns
    // that name the entity change, so every copy keeps its original's dates and history.
    const suffix = (col: string) => `${col} || 'x' || CAST(r.copy AS VARCHAR)`;
    const statements = [
      ...PROCESSORS.map(
        (p) =>
          `INSERT INTO ${p.table} SELECT * EXCLUDE (copy) REPLACE (${suffix(p.entityColumn)} AS ${p.entityColumn}) FROM ${p.table}, range(2, ${copies + 1}) AS r(copy)`,
      ),
      `INSERT INTO nba_orchestration.reprocess_attempts SELECT * EXCLUDE (copy) REPLACE (${suffix("entity_id")} AS entity_id) FROM nba_orchestration.reprocess_attempts, range(2, ${copies + 1}) AS r(copy)`,
    ];
    for (const sql of statements) await wh.execute(sql);
  });
  const seconds = round((performance.now() - started) / 1000);
  log(`stress built in ${seconds} s`);
  return finish(file, {
    name: "stress",
    path: file,
    codeVersion: version,
    today,
    builtAt: new Date().toISOString(),
    buildSeconds: seconds,
    seasonSeconds: [],
    seasons: 5,
    plan: from.plan,
    replication: copies,
  });
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

/** The data sets wanted, built or reused (reused when same code version and same day). */
export async function ensureDatasets(wanted: readonly DatasetName[], options: { rebuild?: boolean; today?: string; anyVersion?: boolean } = {}): Promise<Record<DatasetName, DatasetInfo | undefined>> {
  mkdirSync(BENCH_DATA, { recursive: true });
  const version = codeVersion();
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const out: Record<DatasetName, DatasetInfo | undefined> = { season1: undefined, season5: undefined, stress: undefined };
  let rebuiltUpstream = false;

  const reuse = (name: DatasetName): DatasetInfo | null => {
    const file = datasetPath(name);
    const info = readInfo(file);
    if (options.rebuild || rebuiltUpstream || !info || !existsSync(file)) return null;
    if ((info.codeVersion !== version && !options.anyVersion) || daysBetween(info.today, today) > STALE_AFTER_DAYS) return null;
    return { ...info, cached: true, ...(info.codeVersion !== version ? { otherVersion: true } : {}) };
  };

  const need = new Set<DatasetName>(wanted);
  if (need.has("stress")) need.add("season5");
  if (need.has("season5")) need.add("season1");

  out.season1 = reuse("season1") ?? undefined;
  if (!out.season1) {
    out.season1 = await buildSeason1(datasetPath("season1"), version, today);
    rebuiltUpstream = true;
  }
  if (need.has("season5")) {
    out.season5 = reuse("season5") ?? undefined;
    if (!out.season5) {
      out.season5 = await buildSeason5(datasetPath("season5"), datasetPath("season1"), version, today);
      rebuiltUpstream = true;
    }
  }
  if (need.has("stress")) {
    out.stress = reuse("stress") ?? undefined;
    if (!out.stress) out.stress = await buildStress(datasetPath("stress"), out.season5!, version, today);
  }
  for (const name of Object.keys(out) as DatasetName[]) {
    const info = out[name];
    if (info?.cached) log(`reusing ${name} (${info.rows.output} output rows, built ${info.builtAt})`);
  }
  return out;
}
