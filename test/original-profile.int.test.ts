/**
 * The built console beside the unchanged original pipeline: an `original`-profile season (the
 * original tables with exactly their columns, NBA.com schedule ids, `YYYYMMDD_AWAY_HOME` box
 * scores, rows written the way the Python processors and helper scripts write them), served by
 * `next start` as a user would, every page, monitoring endpoint, the entity API, /metrics and the
 * CLI asked, and their numbers compared with answers computed here with this file's own SQL on
 * the same data — not the product's queries.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { configEntry, generateToken, hashToken } from "@/lib/auth/token-format";
import { MAX_BULK_DAYS } from "@/lib/breakers/schemas";
import { addDays } from "@/lib/completeness/dates";
import { type ProcessorName, PROCESSOR_NAMES, getProcessor, resolveProcessorName } from "@/lib/completeness/processors";
import { DEMO_FORMAT, writeDemoMetadata } from "@/lib/demo/metadata";
import { ORIGINAL_SCHEMA_DIR, type OriginalBuildSummary, buildOriginalDemoDatabase, recordGroundTruth } from "@/lib/demo/original";
import { shortDemoPlan } from "@/lib/demo/plan";
import { createDuckDbWarehouse } from "@/lib/warehouse/duckdb";
import { applyEmbeddedSchema } from "@/lib/warehouse/schema";
import type { Warehouse } from "@/lib/warehouse/types";
import { main } from "@/cli/main";
import { type RunningConsole, type TempDatabase, TEST_AUTH_SECRET, startConsole, withDatabase } from "@/test/support/console-server";
import { sessionCookie } from "@/test/support/session";

const ADMIN = generateToken();
/** The build's "now": nothing in the season is stamped after it, and every read is evaluated at it. */
const NOW = new Date().toISOString();

let db: TempDatabase;
let server: RunningConsole;
let summary: OriginalBuildSummary;
let oracle: Oracle;

interface Oracle {
  /** Keys active at NOW by the Python processors' read: the key's latest row by attempt_number is tripped and its cooldown ends after NOW. */
  active: Set<string>;
  activeByProcessor: Record<ProcessorName, number>;
  /** The same read at any instant (the console's wall clock moves on while the test runs: a cooldown may end meanwhile). */
  activeAt(at: number): { keys: Set<string>; byProcessor: Record<ProcessorName, number>; untilOf: Map<string, number> };
  asOf: string;
  /** On asOf, per processor: entities the pipeline evaluated (output rows and skip attempts) and how many are production ready. */
  evaluated: Record<ProcessorName, { total: number; ready: number; belowThreshold: number }>;
}

const keyOf = (processor: string, entity: string, date: string) => `${processor}|${entity}|${date}`;

/** This file's own reading of the original tables (plain SQL on the file, before the console opens it). */
async function computeOracle(wh: Warehouse): Promise<Oracle> {
  const latest = await wh.query<{ processor_name: string; entity_id: string; analysis_date: string; tripped: boolean; until: string | null }>(
    `SELECT processor_name, entity_id, CAST(analysis_date AS VARCHAR) AS analysis_date, circuit_breaker_tripped AS tripped,
            strftime(circuit_breaker_until, '%Y-%m-%dT%H:%M:%S.%fZ') AS until
     FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY processor_name, entity_id, analysis_date ORDER BY attempt_number DESC) AS rn
           FROM nba_orchestration.reprocess_attempts)
     WHERE rn = 1`,
  );
  const activeAt = (at: number) => {
    const keys = new Set<string>();
    const byProcessor = Object.fromEntries(PROCESSOR_NAMES.map((p) => [p, 0])) as Record<ProcessorName, number>;
    const untilOf = new Map<string, number>();
    for (const r of latest) {
      if (!r.tripped || !r.until || !(Date.parse(r.until) > at)) continue;
      const processor = resolveProcessorName(r.processor_name)!;
      const key = keyOf(processor, r.entity_id, r.analysis_date);
      keys.add(key);
      untilOf.set(key, Date.parse(r.until));
      byProcessor[processor]++;
    }
    return { keys, byProcessor, untilOf };
  };
  const { keys: active, byProcessor: activeByProcessor } = activeAt(Date.parse(NOW));

  const dateCol = (p: ProcessorName) => getProcessor(p).dateColumn;
  const dates = await Promise.all(
    PROCESSOR_NAMES.map((p) => wh.query<{ d: string | null }>(`SELECT CAST(MAX(${dateCol(p)}) AS VARCHAR) AS d FROM ${getProcessor(p).table} WHERE ${dateCol(p)} <= CAST('${NOW.slice(0, 10)}' AS DATE)`)),
  );
  const [attemptMax] = await wh.query<{ d: string | null }>(
    `SELECT CAST(MAX(analysis_date) AS VARCHAR) AS d FROM nba_orchestration.reprocess_attempts WHERE skip_reason <> 'RESET' AND analysis_date <= CAST('${NOW.slice(0, 10)}' AS DATE)`,
  );
  const asOf = [...dates.map((r) => r[0]?.d), attemptMax?.d].filter((d): d is string => Boolean(d)).sort().at(-1)!;

  const evaluated = {} as Oracle["evaluated"];
  for (const p of PROCESSOR_NAMES) {
    const def = getProcessor(p);
    const entity = def.entityKind === "team_game" ? `team_abbr || '_' || CAST(${def.dateColumn} AS VARCHAR)` : def.entityColumn;
    const outputs = await wh.query<{ entity_id: string; ready: boolean | null; bootstrap: boolean | null }>(
      `SELECT ${entity} AS entity_id, is_production_ready AS ready, backfill_bootstrap_mode AS bootstrap FROM ${def.table} WHERE ${def.dateColumn} = CAST('${asOf}' AS DATE)`,
    );
    const names = [def.name, ...def.aliases].map((n) => `'${n}'`).join(", ");
    const skipped = await wh.query<{ entity_id: string }>(
      `SELECT DISTINCT entity_id FROM nba_orchestration.reprocess_attempts
       WHERE processor_name IN (${names}) AND analysis_date = CAST('${asOf}' AS DATE) AND skip_reason IS NOT NULL AND skip_reason <> 'RESET'`,
    );
    // The Python processors write an output row only for an entity they processed, and never
    // re-run one they processed: an entity with an output row is that row; one without is a skip.
    const written = new Map(outputs.map((o) => [o.entity_id, o]));
    const skippedOnly = skipped.filter((s) => !written.has(s.entity_id));
    const ready = outputs.filter((o) => o.ready === true).length;
    const belowWritten = outputs.filter((o) => o.ready !== true && o.bootstrap !== true).length;
    evaluated[p] = { total: written.size + skippedOnly.length, ready, belowThreshold: belowWritten + skippedOnly.length };
  }
  return { active, activeByProcessor, activeAt, asOf, evaluated };
}

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "original-profile-"));
  const file = path.join(dir, "console.duckdb");
  db = { path: file, dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
  const plan = shortDemoPlan(NOW);
  const wh = createDuckDbWarehouse({ path: file, onOpen: (run) => applyEmbeddedSchema(run, ORIGINAL_SCHEMA_DIR) });
  try {
    summary = await buildOriginalDemoDatabase(wh, plan, { now: NOW });
    oracle = await computeOracle(wh);
    await wh.execute("CHECKPOINT");
  } finally {
    await wh.close();
  }
  writeDemoMetadata(file, { format: DEMO_FORMAT, plan, builtAt: NOW, buildSeconds: 0, summary: { ...summary, groundTruth: recordGroundTruth(summary.groundTruth) } });
  server = await startConsole({
    dbPath: file,
    env: { API_TOKENS: configEntry({ name: "ci-admin", role: "admin", sha256: hashToken(ADMIN) }), CACHE_TTL_SECONDS: "0" },
  });
}, 240_000);

afterAll(async () => {
  await server?.stop();
  db?.remove();
});

async function api<T>(pathAndQuery: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${pathAndQuery}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  return { status: res.status, body: (await res.json()) as T };
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const stdin = Readable.from([]) as Readable & { isTTY?: boolean };
  stdin.isTTY = false;
  const code = await main(args, {
    stdin,
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { COMPLETENESS_URL: server.url, COMPLETENESS_TOKEN: ADMIN },
  });
  return { code, stdout, stderr };
}

const at = `now=${encodeURIComponent(NOW)}`;

/** An ML feature store breaker that stays active for the whole test: its cooldown ends a day from now or later. */
let chosen: [string, string, string] | undefined;
function mlfsKey(): [string, string, string] {
  const { keys, untilOf } = oracle.activeAt(Date.now());
  chosen ??= [...keys].filter((k) => k.startsWith("ml_feature_store|") && untilOf.get(k)! > Date.now() + 86_400_000).sort().map((k) => k.split("|") as [string, string, string])[0];
  expect(chosen, "an ML feature store breaker active for at least a day more").toBeDefined();
  return chosen!;
}

describe("the console on an original-profile season", () => {
  it("has real work in it: active breakers under the pipeline's names, some recovered, some still missing data", () => {
    expect(oracle.active.size).toBeGreaterThan(0);
    expect(summary.groundTruth.recovered.length).toBeGreaterThan(0);
    expect(summary.groundTruth.stillMissing.length).toBeGreaterThan(0);
    expect(oracle.activeByProcessor.ml_feature_store).toBeGreaterThan(0);
  });

  it("serves every page without an error, signed in", async () => {
    const cookie = await sessionCookie("admin", "admin", Date.now(), TEST_AUTH_SECRET);
    const player = summary.groundTruth.recovered[0]!;
    const pages = ["/", "/breakers", "/breakers?tab=history", "/breakers?tab=patterns", "/breakers/bulk", "/trends", "/entities", "/audit", `/entities/${player.entity_id}?date=${player.analysis_date}`, "/entities/LAL"];
    for (const page of pages) {
      const res = await fetch(`${server.url}${page}`, { headers: { cookie }, redirect: "manual" });
      const html = await res.text();
      expect(res.status, page).toBe(200);
      // The page's error boundary, a panel's, a panel showing stale data because its read failed.
      expect(html, page).not.toMatch(/This page could not be shown|This panel could not be loaded|the warehouse is failing|Application error/);
    }
  });

  it("answers every monitoring endpoint", async () => {
    for (const name of ["health", "active-breakers", "trends", "below-threshold", "breaker-history", "bootstrap", "multi-window", "readiness", "patterns"]) {
      const { status, body } = await api<{ rows?: unknown[] }>(`/api/v1/monitoring/${name}?${at}`);
      expect(status, name).toBe(200);
      expect(Array.isArray(body.rows), name).toBe(true);
    }
  });

  it("lists exactly the breakers the Python processors would skip now, and health counts them", async () => {
    // The list is paged: every page, as large as the list answers (its page_size says how many).
    const listed: string[] = [];
    for (let page = 1; ; page++) {
      const list = await api<{ rows: { processor: string; entity_id: string; analysis_date: string }[]; total: number; page_size: number }>(
        `/api/v1/monitoring/active-breakers?${at}&page_size=500&page=${page}`,
      );
      listed.push(...list.body.rows.map((r) => keyOf(r.processor, r.entity_id, r.analysis_date)));
      if (list.body.rows.length < list.body.page_size) {
        expect(listed).toHaveLength(list.body.total);
        break;
      }
    }
    expect(new Set(listed)).toEqual(oracle.active);
    const health = await api<{ rows: { processor: ProcessorName; active_breakers: number }[] }>(`/api/v1/monitoring/health?${at}`);
    expect(Object.fromEntries(health.body.rows.map((r) => [r.processor, r.active_breakers]))).toEqual(oracle.activeByProcessor);
  });

  it("counts the entities the pipeline evaluated, skipped ones included, on the data-as-of date", async () => {
    const readiness = await api<{ as_of: string; rows: { processor: ProcessorName; total_records: number; ready_count: number }[] }>(`/api/v1/monitoring/readiness?${at}`);
    expect(readiness.body.as_of).toBe(oracle.asOf);
    expect(Object.fromEntries(readiness.body.rows.map((r) => [r.processor, { total: r.total_records, ready: r.ready_count }]))).toEqual(
      Object.fromEntries(PROCESSOR_NAMES.map((p) => [p, { total: oracle.evaluated[p].total, ready: oracle.evaluated[p].ready }])),
    );
    // The list is paged: each processor's total, and its rows all of that processor.
    const counts: Record<string, number> = {};
    for (const p of PROCESSOR_NAMES) {
      const below = await api<{ rows: { processor: ProcessorName }[]; total: number }>(`/api/v1/monitoring/below-threshold?${at}&as_of=${oracle.asOf}&processor=${p}&page_size=500`);
      expect(below.body.rows.every((r) => r.processor === p)).toBe(true);
      counts[p] = below.body.total;
    }
    expect(counts).toEqual(Object.fromEntries(PROCESSOR_NAMES.map((p) => [p, oracle.evaluated[p].belowThreshold])));
  });

  it("finds a recovered key recovered in the live recheck (box scores keyed YYYYMMDD_AWAY_HOME, schedule NBA.com ids)", async () => {
    const own = summary.groundTruth.recovered.filter((k) => getProcessor(k.processor).dependsOn.length === 0);
    expect(own.length).toBeGreaterThan(0);
    for (const k of own.slice(0, 5)) {
      const { status, body } = await api<{ processors: { processor: string; live: { ok: boolean; value?: { windows: { id: string; missing: number | null }[] } } }[] }>(
        `/api/v1/entities/${k.entity_id}?date=${k.analysis_date}&processor=${k.processor}`,
      );
      expect(status).toBe(200);
      const live = body.processors[0]!.live;
      expect(live.ok).toBe(true);
      expect(live.value!.windows.every((w) => !w.missing)).toBe(true);
    }
    for (const k of summary.groundTruth.stillMissing.filter((x) => getProcessor(x.processor).dependsOn.length === 0).slice(0, 5)) {
      const { body } = await api<{ processors: { live: { value?: { windows: { missing: number | null }[] } } }[] }>(
        `/api/v1/entities/${k.entity_id}?date=${k.analysis_date}&processor=${k.processor}`,
      );
      expect(body.processors[0]!.live.value!.windows.some((w) => (w.missing ?? 0) > 0)).toBe(true);
    }
  });

  it("answers the entity API for a team and its team-game key, with a live recheck on original ids", async () => {
    for (const entity of ["LAL", `LAL_${oracle.asOf}`]) {
      const { status, body } = await api<{ status: string; processors: { processor: string; live: { ok: boolean; value?: { windows: { expected: number }[] } } }[] }>(
        `/api/v1/entities/${entity}?date=${oracle.asOf}`,
      );
      expect([200, 404], entity).toContain(status); // a team-game key exists only on the team's game days
      if (status !== 200) continue;
      expect(body.status).toBe("found");
      for (const section of body.processors) expect(section.live.ok, `${entity} ${section.processor}`).toBe(true);
      // Team windows count home and away games by team and date: never more games than the window holds.
      const tdza = body.processors.find((p) => p.processor === "team_defense_zone_analysis");
      if (tdza) expect(tdza.live.value!.windows[0]!.expected).toBeLessThanOrEqual(15);
    }
  });

  it("serves /metrics with the same active breakers", async () => {
    const before = oracle.activeAt(Date.now()).byProcessor;
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const after = oracle.activeAt(Date.now()).byProcessor;
    const gauge = Object.fromEntries(
      [...text.matchAll(/^completeness_console_active_breakers\{processor="([a-z_]+)"\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]),
    );
    // Evaluated at the server's clock, between the two instants: equal to the read at one of them.
    expect([before, after]).toContainEqual(gauge);
  });

  it("can override every breaker the active list shows: the bulk selection finds each of them active", async () => {
    const started = oracle.activeAt(Date.now()).keys;
    const dates = [...started].map((k) => k.split("|")[2]!).sort();
    const last = dates.at(-1)!;
    const selected = new Set<string>();
    for (let from = dates[0]!; from <= last; ) {
      const to = addDays(from, MAX_BULK_DAYS) < last ? addDays(from, MAX_BULK_DAYS) : last;
      const res = await fetch(`${server.url}/api/v1/breakers/bulk-override/preview`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
        body: JSON.stringify({ date_from: from, date_to: to }),
      });
      const body = (await res.json()) as { changes: { processor: string; entity_id: string; analysis_date: string; before: { status: string } }[]; skipped: unknown[] };
      expect(res.status).toBe(200);
      expect(body.skipped).toEqual([]);
      for (const c of body.changes) {
        expect(c.before.status).toBe("active");
        selected.add(keyOf(c.processor, c.entity_id, c.analysis_date));
      }
      from = addDays(to, 1);
    }
    // Every key selected was active when the selection started, and every key still active
    // after it was selected (a cooldown may end while the preview runs).
    const ended = oracle.activeAt(Date.now()).keys;
    for (const key of selected) expect(started.has(key), key).toBe(true);
    for (const key of ended) expect(selected.has(key), key).toBe(true);
    expect(selected.size).toBeGreaterThan(0);
  }, 120_000);

  it("runs every CLI command, and an override of an ML feature store breaker says it gives one retry", async () => {
    const status = await cli(["breakers", "status", "--json", "--active-only"]);
    expect(status.code, status.stderr).toBe(0);
    const key = mlfsKey();
    const [, entity, date] = key;
    const check = await cli(["check", "--entity", entity, "--date", date, "--json"]);
    expect(check.code, check.stderr).toBe(0);
    const dry = await cli(["override", "--processor", "ml_feature_store", "--entity", entity, "--date", date, "--reason", "Box scores verified complete in the live recheck", "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    const done = await cli(["override", "--processor", "ml_feature_store", "--entity", entity, "--date", date, "--reason", "Box scores verified complete in the live recheck", "--yes", "--json"]);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/One retry/);
    const bulk = await cli(["bulk-override", "--date-from", oracle.asOf, "--date-to", oracle.asOf, "--reason", "Dry run of a bulk override for the test", "--dry-run"]);
    expect(bulk.code, bulk.stderr).toBe(0);
    const reset = await cli(["reset", "--processor", "ml_feature_store", "--entity", entity, "--date", date, "--reason", "Dry run of a reset for the test", "--dry-run"]);
    expect(reset.code, reset.stderr).toBe(0);
  });
});

describe("after the console's override, as the Python processor reads the table", () => {
  it("the ML feature store key is no longer blocked, under ml_feature_store_v2, and its next failure trips again", async () => {
    await server.stop();
    const key = mlfsKey();
    const [, entity, date] = key;
    await withDatabase(db.path, async (wh) => {
      // _check_circuit_breaker: the latest row by attempt_number for (table_name, entity, date).
      const [latest] = await wh.query<{ attempt_number: number; tripped: boolean; processor_name: string }>(
        `SELECT attempt_number, circuit_breaker_tripped AS tripped, processor_name FROM nba_orchestration.reprocess_attempts
         WHERE processor_name = 'ml_feature_store_v2' AND entity_id = @entity AND analysis_date = CAST(@date AS DATE)
         ORDER BY attempt_number DESC LIMIT 1`,
        { params: { entity, date }, types: { entity: "STRING", date: "STRING" } },
      );
      expect(latest).toMatchObject({ tripped: false, processor_name: "ml_feature_store_v2" });
      // _increment_reprocess_count: next attempt = latest + 1, tripped at >= 3.
      expect(latest!.attempt_number + 1).toBeGreaterThanOrEqual(3);
    });
  });
});
