/**
 * The check service over HTTP (`POST /api/v1/checks`, then `POST /api/v1/checks/{run_id}/outcomes`)
 * from the built app (`next start`, test/support/console-server.ts), on a copy of a data set (the
 * copy is deleted afterwards: every call appends rows).
 *
 * One processor run of 450 players, as the Python pipeline makes it: a `pipeline` token
 * (API_TOKENS), every processor's breaker reader `console` (BREAKER_READERS), `player_daily_cache`,
 * the run's entities named in the request (the players who played this season before the date,
 * as the service would pick them: the first 450). Each sample is a new run — a fresh run_id, so
 * the service evaluates and writes every time (a replay of a stored answer would only read it
 * back) — and its outcomes (processed as told to process, skipped as told to skip) are reported
 * right after. Each sample is also a night of its own: the data set's last simulated dates, one
 * per sample, newest last, so no run finds the breakers an earlier sample tripped (three runs of
 * one date with the same skips trip them all, and every later run would only see skips).
 * Timed per call, to the last byte of the answer; p50 and p95 over the samples after warm-ups.
 * Also the server's CPU time per call (user + system of the `next start` process, all its threads
 * — DuckDB's included — from /proc, 10 ms ticks, averaged over the samples): on a shared, busy
 * machine the wall time counts the waits for a core, the CPU time does not.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, readdirSync, readFileSync, rmSync } from "node:fs";

import { hashToken, configEntry, generateToken } from "@/lib/auth/token-format";
import { type IsoDate, addDays } from "@/lib/completeness/dates";
import { type ProcessorName, getProcessor } from "@/lib/completeness/processors";
import type { SeasonCalendar } from "@/lib/completeness/calendar";
import { defaultEntities } from "@/lib/engine/checks";
import { createDuckDbWarehouse } from "@/lib/warehouse/duckdb";
import { applyEmbeddedSchema } from "@/lib/warehouse/schema";
import { startConsole } from "@/test/support/console-server";

import { quantile, round } from "./stats";

export const CHECK_ENTITIES = 450;
const PROCESSOR: ProcessorName = "player_daily_cache";
const WARMUP = 3;

export interface CheckCallMeasure {
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
  /** Mean CPU time of the server per call (null where /proc is not there). */
  server_cpu_ms: number | null;
  /** Mean size of the answer. */
  bytes: number;
}

export interface CheckServiceMeasure {
  processor: ProcessorName;
  /** The timed samples' dates (the warm-ups' are before them). */
  dates: { from: IsoDate; to: IsoDate };
  entities: number;
  samples: number;
  /** Decisions of the timed samples' checks, summed. */
  process: number;
  skip: number;
  /** Attempt rows the timed samples' outcomes appended, summed. */
  rows_written: number;
  check: CheckCallMeasure;
  outcomes: CheckCallMeasure;
}

function callMeasure(times: number[], cpu: number | null, bytes: number): CheckCallMeasure {
  return {
    p50_ms: round(quantile(times, 0.5)),
    p95_ms: round(quantile(times, 0.95)),
    max_ms: round(Math.max(...times)),
    server_cpu_ms: cpu === null ? null : round(cpu / times.length),
    bytes,
  };
}

/**
 * CPU milliseconds so far of the processes serving `dbPath` (the one `next start` started for it:
 * its environment names the file, which is this benchmark's own copy). Null without /proc.
 */
function serverCpu(dbPath: string): () => number | null {
  let pids: string[] = [];
  let tick = 10;
  try {
    const marker = `EMBEDDED_DB_PATH=${dbPath}\0`;
    pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d) && readEnviron(d).includes(marker));
    tick = 1000 / Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
  } catch {
    return () => null;
  }
  if (!pids.length) return () => null;
  return () => {
    let ticks = 0;
    for (const pid of pids) {
      // Fields after the parenthesised command name: state is the 3rd field, utime the 14th, stime the 15th.
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    }
    return ticks * tick;
  };
}

function readEnviron(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/environ`, "latin1");
  } catch {
    return ""; // another user's process, or gone
  }
}

interface CheckAnswer {
  entities: { entity_id: string; decision: "process" | "skip" }[];
  counts: { process: number; skip: number };
  replay: boolean;
}

export async function measureCheckService(
  sourceDb: string,
  workDb: string,
  options: { lastDate: IsoDate; calendar: SeasonCalendar; samples: number },
): Promise<CheckServiceMeasure> {
  rmSync(workDb, { force: true });
  rmSync(`${workDb}.wal`, { force: true });
  copyFileSync(sourceDb, workDb);
  // The console reads the season calendar from the demo metadata beside the file.
  copyFileSync(`${sourceDb}.demo.json`, `${workDb}.demo.json`);
  try {
    const runs = WARMUP + options.samples;
    const dates = Array.from({ length: runs }, (_, i) => addDays(options.lastDate, i - runs + 1));
    // Each night's players, read before the server takes the file (one process holds it).
    const wh = createDuckDbWarehouse({ path: workDb, onOpen: applyEmbeddedSchema });
    const players = new Map<IsoDate, string[]>();
    try {
      for (const date of dates) {
        const entities = ((await defaultEntities(wh, getProcessor(PROCESSOR), date, options.calendar)) ?? []).slice(0, CHECK_ENTITIES);
        if (entities.length !== CHECK_ENTITIES) throw new Error(`${PROCESSOR} on ${date}: ${entities.length} players, not ${CHECK_ENTITIES}`);
        players.set(date, entities);
      }
      await wh.execute("CHECKPOINT");
    } finally {
      await wh.close();
    }

    const token = generateToken();
    const server = await startConsole({
      dbPath: workDb,
      env: {
        API_TOKENS: configEntry({ name: "bench-pipeline", role: "pipeline", sha256: hashToken(token) }),
        BREAKER_READERS: "console",
        CACHE_TTL_SECONDS: "0",
      },
      timeoutMs: 120_000,
    });
    try {
      const cpuNow = serverCpu(workDb);
      const post = async (path: string, body: unknown): Promise<{ ms: number; cpu: number | null; bytes: number; json: unknown }> => {
        const cpuBefore = cpuNow();
        const started = performance.now();
        const res = await fetch(`${server.url}${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        const text = await res.text();
        const ms = performance.now() - started;
        const cpuAfter = cpuNow();
        const cpu = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
        if (res.status !== 200 && res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${text.slice(0, 300)}\n${server.output().slice(-2000)}`);
        return { ms, cpu, bytes: Buffer.byteLength(text), json: JSON.parse(text) };
      };

      const checkTimes: number[] = [];
      const outcomeTimes: number[] = [];
      const sums = { process: 0, skip: 0, rowsWritten: 0, checkBytes: 0, outcomeBytes: 0, checkCpu: 0 as number | null, outcomeCpu: 0 as number | null };
      const add = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);
      const stamp = Date.now().toString(36);
      for (const [i, date] of dates.entries()) {
        const runId = `bench-${stamp}-${i}`;
        const entities = players.get(date)!;
        const check = await post("/api/v1/checks", { processor: PROCESSOR, analysis_date: date, run_id: runId, entities });
        const answer = check.json as CheckAnswer;
        if (answer.replay || answer.entities.length !== CHECK_ENTITIES) throw new Error(`check ${runId}: replay ${answer.replay}, ${answer.entities.length} entities`);
        const outcomes = answer.entities.map((e) => ({ entity_id: e.entity_id, outcome: e.decision === "process" ? "processed" : "skipped" }));
        const reported = await post(`/api/v1/checks/${runId}/outcomes`, { processor: PROCESSOR, analysis_date: date, outcomes });
        const report = reported.json as { replay: boolean; rows_written: number };
        if (report.replay) throw new Error(`outcomes ${runId}: a replay`);
        if (i < WARMUP) continue;
        checkTimes.push(check.ms);
        outcomeTimes.push(reported.ms);
        sums.process += answer.counts.process;
        sums.skip += answer.counts.skip;
        sums.rowsWritten += report.rows_written;
        sums.checkBytes += check.bytes;
        sums.outcomeBytes += reported.bytes;
        sums.checkCpu = add(sums.checkCpu, check.cpu);
        sums.outcomeCpu = add(sums.outcomeCpu, reported.cpu);
      }
      return {
        processor: PROCESSOR,
        dates: { from: dates[WARMUP]!, to: dates.at(-1)! },
        entities: CHECK_ENTITIES,
        samples: options.samples,
        process: sums.process,
        skip: sums.skip,
        rows_written: sums.rowsWritten,
        check: callMeasure(checkTimes, sums.checkCpu, Math.round(sums.checkBytes / options.samples)),
        outcomes: callMeasure(outcomeTimes, sums.outcomeCpu, Math.round(sums.outcomeBytes / options.samples)),
      };
    } finally {
      await server.stop();
    }
  } finally {
    for (const f of [workDb, `${workDb}.wal`, `${workDb}.demo.json`]) rmSync(f, { force: true });
  }
}
