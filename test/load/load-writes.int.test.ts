/**
 * Load with writes: the BUILT console (`next start` on a temp DuckDB file) under
 * 10 concurrent clients for LOAD_SECONDS (default 10; the full form is LOAD_SECONDS=60), mixing
 * reads — the overview page `/` and GET /api/v1/monitoring/<name> for the nine queries — with
 * 200 POST /api/v1/breakers/override requests released over the run:
 *
 *   150 first overrides of distinct tripped keys (each must be applied: 201)
 *    25 replays: the same body and request_id as one of them (200, replay, the original result)
 *    15 second overrides of an already-targeted key under a new request id (one of the two
 *       wins; the other is a 409 naming who overrode it)
 *    10 overrides of keys that are not tripped (closed, or no rows at all): 409
 *
 * Some replays and second overrides are released at the same instant as their original, so two
 * clients race on the same key. Asserted: zero 5xx and zero transport errors on every request;
 * every read a 200; exactly 150 applied (201, not a replay); after `stop()`, the database holds
 * exactly one override row per targeted key carrying the request id of the response that
 * applied it, no other new rows, and one `override` audit record per applied response (same
 * request ids). The active-breakers API agrees at the end. Timings are logged, never asserted.
 *
 * Needs a build: `npm test` builds `.next` first; alone, build into a directory of your own
 * (`NEXT_DIST_DIR=.next-load npx next build`) and run with the same NEXT_DIST_DIR.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { addDays } from "@/lib/completeness/dates";
import { PROCESSORS, getProcessor, resolveProcessorName } from "@/lib/completeness/processors";
import { outputColumns } from "@/lib/engine/run-processor";
import { MONITORING_QUERY_NAMES } from "@/lib/monitoring/schemas";
import type { Warehouse } from "@/lib/warehouse/types";
import { type RunningConsole, type TempDatabase, TEST_AUTH_SECRET, prepareDatabase, startConsole, withDatabase } from "@/test/support/console-server";
import { attemptRow, insertAttempts } from "@/test/support/fixtures";
import { sessionCookie } from "@/test/support/session";

const LOAD_SECONDS = Number(process.env.LOAD_SECONDS ?? 10);
const CLIENTS = 10;
const SEED = Number(process.env.LOAD_SEED ?? 7);
const DAY_MS = 86_400_000;
const TODAY = new Date().toISOString().slice(0, 10);

// ---------------------------------------------------------------------------------------------
// Deterministic plan

/** mulberry32: a small seeded PRNG, so the plan (which requests, in which order) is repeatable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Key {
  processor: string;
  entity_id: string;
  analysis_date: string;
}
const keyId = (k: Key) => `${k.processor}|${k.entity_id}|${k.analysis_date}`;

const PLAYER_PROCESSORS = ["player_daily_cache", "player_shot_zone_analysis", "player_composite_factors", "ml_feature_store"];
const TRIPPED: Key[] = Array.from({ length: 240 }, (_, i) => ({
  processor: PLAYER_PROCESSORS[i % PLAYER_PROCESSORS.length]!,
  entity_id: `loadplayer${String(i).padStart(3, "0")}`,
  analysis_date: addDays(TODAY, -(1 + (i % 20))),
}));
/** Two failures: closed, not tripped. */
const CLOSED: Key[] = Array.from({ length: 5 }, (_, i) => ({ processor: "player_daily_cache", entity_id: `closedplayer${i}`, analysis_date: addDays(TODAY, -2) }));
/** No rows at all. */
const UNKNOWN: Key[] = Array.from({ length: 5 }, (_, i) => ({ processor: "player_shot_zone_analysis", entity_id: `ghostplayer${i}`, analysis_date: addDays(TODAY, -3) }));

type Kind = "first" | "replay" | "second" | "not_tripped";
interface Planned {
  n: number;
  kind: Kind;
  key: Key;
  body: Record<string, string>;
  /** Index of the "first" override this one duplicates (replay, second). */
  of?: number;
  /** Fraction of the run at which it is released. */
  at: number;
}

const overrideBody = (key: Key, requestId: string) => ({
  ...key,
  reason_code: "data_now_available",
  reason: `Load test: upstream verified for ${key.entity_id}`,
  request_id: requestId,
});

function plan(): Planned[] {
  const rand = prng(SEED);
  const out: Planned[] = [];
  // First overrides of 150 distinct tripped keys, released over the first 80 % of the run.
  for (let i = 0; i < 150; i++) out.push({ n: out.length, kind: "first", key: TRIPPED[i]!, body: overrideBody(TRIPPED[i]!, `load-first-${i}`), at: rand() * 0.8 });
  // 25 replays of firsts 0–24: the first 10 at the same instant as the original (a race).
  for (let i = 0; i < 25; i++) {
    const original = out[i]!;
    out.push({ n: out.length, kind: "replay", key: original.key, body: { ...original.body }, of: i, at: i < 10 ? original.at : rand() * 0.8 });
  }
  // 15 second overrides of firsts 25–39 under new request ids: the first 8 racing the original.
  for (let i = 25; i < 40; i++) {
    const original = out[i]!;
    out.push({ n: out.length, kind: "second", key: original.key, body: overrideBody(original.key, `load-second-${i}`), of: i, at: i < 33 ? original.at : rand() * 0.8 });
  }
  for (const [i, key] of [...CLOSED, ...UNKNOWN].entries()) {
    out.push({ n: out.length, kind: "not_tripped", key, body: overrideBody(key, `load-nottripped-${i}`), at: rand() * 0.8 });
  }
  return out.sort((a, b) => a.at - b.at || a.n - b.n);
}

// ---------------------------------------------------------------------------------------------
// Seed

async function seed(wh: Warehouse): Promise<void> {
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
  const until = new Date(Date.now() + 6 * DAY_MS).toISOString();
  const rows = [
    ...TRIPPED.flatMap((k) => {
      const base = { processor_name: k.processor, entity_id: k.entity_id, analysis_date: k.analysis_date };
      return [
        attemptRow({ ...base, attempt_number: 1, attempted_at: hoursAgo(72), event_type: "failure" }),
        attemptRow({ ...base, attempt_number: 2, attempted_at: hoursAgo(48), event_type: "failure" }),
        attemptRow({ ...base, attempt_number: 3, attempted_at: hoursAgo(24), event_type: "trip", circuit_breaker_tripped: true, circuit_breaker_until: until }),
      ];
    }),
    ...CLOSED.flatMap((k) => {
      const base = { processor_name: k.processor, entity_id: k.entity_id, analysis_date: k.analysis_date };
      return [
        attemptRow({ ...base, attempt_number: 1, attempted_at: hoursAgo(48), event_type: "failure" }),
        attemptRow({ ...base, attempt_number: 2, attempted_at: hoursAgo(24), event_type: "failure" }),
      ];
    }),
  ];
  await insertAttempts(wh, rows);
  // Output rows for the reads: every processor, 14 days, 20 entities (players or teams).
  const teams = ["LAL", "BOS", "NYK", "GSW", "MIA", "DEN", "PHX", "DAL", "MIL", "CHI", "ATL", "BKN", "CLE", "DET", "HOU", "IND", "LAC", "MEM", "MIN", "NOP"];
  for (const def of PROCESSORS) {
    const out: Record<string, unknown>[] = [];
    for (let d = 1; d <= 14; d++) {
      const date = addDays(TODAY, -d);
      for (let e = 0; e < 20; e++) {
        const pct = 70 + ((d * 7 + e * 3) % 31);
        const row: Record<string, unknown> = {
          [def.entityColumn]: def.entityKind === "player" ? `loadplayer${String(e).padStart(3, "0")}` : teams[e],
          [def.dateColumn]: date,
          processed_at: `${date}T12:00:00.000Z`,
          completeness_percentage: pct,
          expected_games_count: 10,
          actual_games_count: Math.round(pct / 10),
          missing_games_count: 10 - Math.round(pct / 10),
          is_production_ready: pct >= 90,
          backfill_bootstrap_mode: false,
          processing_decision_reason: pct >= 90 ? "processed_successfully" : "skipped_incomplete_upstream_data",
        };
        if (def.name === "player_composite_factors") row.analysis_date = date;
        for (const w of def.multiWindow ? def.windows : []) {
          row[`${w.id}_completeness_pct`] = pct;
          row[`${w.id}_is_complete`] = pct >= 90;
        }
        if (def.multiWindow) row.all_windows_complete = pct >= 90;
        out.push(row);
      }
    }
    await wh.insert(def.table, outputColumns(getProcessor(def.name)), out);
  }
}

// ---------------------------------------------------------------------------------------------
// The run

interface Outcome {
  planned: Planned;
  status: number;
  body: { ok?: boolean; replay?: boolean; error?: string; change?: unknown } | null;
}

let db: TempDatabase;
let server: RunningConsole | undefined;

beforeAll(async () => {
  db = await prepareDatabase(seed);
  server = await startConsole({ dbPath: db.path });
});
afterAll(async () => {
  await server?.stop();
  db?.remove();
});

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : 0;
};

describe(`load with writes: ${CLIENTS} clients for ${LOAD_SECONDS} s, reads and 200 overrides`, () => {
  it(
    "no 5xx, every distinct override applied exactly once, the audit count equals the applied count",
    async () => {
      const url = server!.url;
      const cookie = await sessionCookie("operator", "load-op", Date.now(), TEST_AUTH_SECRET);
      const queue = plan();
      expect(queue).toHaveLength(200);
      const durationMs = LOAD_SECONDS * 1_000;
      const readTargets = ["/", ...MONITORING_QUERY_NAMES.map((n) => `/api/v1/monitoring/${n}`)];

      const outcomes: Outcome[] = [];
      const reads: { path: string; status: number; ms: number }[] = [];
      const writeMs: number[] = [];
      const errors: string[] = [];
      let cursor = 0;
      const start = performance.now();

      async function override(p: Planned) {
        const t0 = performance.now();
        try {
          const res = await fetch(`${url}/api/v1/breakers/override`, {
            method: "POST",
            headers: { "content-type": "application/json", cookie, origin: url },
            body: JSON.stringify(p.body),
            redirect: "manual",
            signal: AbortSignal.timeout(120_000),
          });
          const text = await res.text();
          let body: Outcome["body"] = null;
          try {
            body = JSON.parse(text) as Outcome["body"];
          } catch {
            errors.push(`override #${p.n}: ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`);
          }
          outcomes.push({ planned: p, status: res.status, body });
        } catch (error) {
          errors.push(`override #${p.n} (${p.kind}): ${String(error)}`);
        }
        writeMs.push(performance.now() - t0);
      }

      async function read(path: string) {
        const t0 = performance.now();
        try {
          const res = await fetch(`${url}${path}`, { headers: { cookie }, redirect: "manual", signal: AbortSignal.timeout(120_000) });
          await res.arrayBuffer();
          reads.push({ path, status: res.status, ms: performance.now() - t0 });
        } catch (error) {
          errors.push(`GET ${path}: ${String(error)}`);
        }
      }

      async function client(id: number) {
        const rand = prng(SEED * 1_000 + id);
        for (;;) {
          const elapsed = performance.now() - start;
          const next = queue[cursor];
          // An override is due (or the run is over and some are left): take it.
          if (next && (next.at * durationMs <= elapsed || elapsed >= durationMs)) {
            cursor++;
            await override(next);
            continue;
          }
          if (elapsed >= durationMs) return;
          await read(readTargets[Math.floor(rand() * readTargets.length)]!);
        }
      }

      await Promise.all(Array.from({ length: CLIENTS }, (_, id) => client(id)));
      const elapsedS = (performance.now() - start) / 1_000;

      const serverLog = () => server!.output().slice(-3_000);
      const fiveXx = [...reads.filter((r) => r.status >= 500).map((r) => `GET ${r.path} → ${r.status}`), ...outcomes.filter((o) => o.status >= 500).map((o) => `override #${o.planned.n} → ${o.status}: ${JSON.stringify(o.body)}`)];

      // ---- what the clients saw
      const applied = outcomes.filter((o) => o.status === 201);
      const replays = outcomes.filter((o) => o.status === 200 && o.body?.replay === true);
      const conflicts = outcomes.filter((o) => o.status === 409);
      const summary = {
        seconds: Number(elapsedS.toFixed(1)),
        requests: reads.length + outcomes.length,
        reads: reads.length,
        overrides: outcomes.length,
        fiveXx: fiveXx.length,
        transportErrors: errors.length,
        applied: applied.length,
        replays: replays.length,
        conflicts: conflicts.length,
        readStatuses: Object.fromEntries([...new Set(reads.map((r) => r.status))].map((s) => [s, reads.filter((r) => r.status === s).length])),
        readP50ms: Math.round(percentile(reads.map((r) => r.ms), 50)),
        readP95ms: Math.round(percentile(reads.map((r) => r.ms), 95)),
        writeP50ms: Math.round(percentile(writeMs, 50)),
        writeP95ms: Math.round(percentile(writeMs, 95)),
      };
      console.info(`[load] ${JSON.stringify(summary)}`);

      // The server logged no failed write or read (actions and API routes log failures so).
      expect(server!.output().split("\n").filter((l) => /\[action:[^\]]*\] failed|\[api\]/.test(l))).toEqual([]);
      expect(errors, `transport errors\n${serverLog()}`).toEqual([]);
      expect(fiveXx, `5xx responses\n${serverLog()}`).toEqual([]);
      expect(reads.filter((r) => r.status !== 200).map((r) => `GET ${r.path} → ${r.status}`)).toEqual([]);
      expect(outcomes).toHaveLength(200);
      expect(reads.length).toBeGreaterThan(0);

      // Every response has the status its kind allows, and applied responses are never replays.
      const byN = new Map(outcomes.map((o) => [o.planned.n, o]));
      for (const o of outcomes) {
        const allowed = { first: [201, 200, 409], replay: [201, 200], second: [201, 409], not_tripped: [409] }[o.planned.kind];
        expect(allowed, `override #${o.planned.n} (${o.planned.kind}) → ${o.status} ${JSON.stringify(o.body)}`).toContain(o.status);
        if (o.status === 201) expect(o.body?.replay).toBe(false);
        if (o.status === 200) expect(o.body?.replay).toBe(true);
        if (o.status === 409) expect(o.body?.error).toEqual(expect.any(String));
      }

      // Per targeted key: exactly one applied request; replays carry the original result;
      // a losing second override is a conflict naming the winner.
      const firsts = outcomes.filter((o) => o.planned.kind === "first");
      for (const first of firsts) {
        const group = outcomes.filter((o) => o.planned.n === first.planned.n || o.planned.of === first.planned.n);
        const winners = group.filter((o) => o.status === 201);
        expect(winners, `key ${keyId(first.planned.key)}: ${group.map((o) => `${o.planned.kind} → ${o.status}`).join(", ")}`).toHaveLength(1);
        const winner = winners[0]!;
        for (const other of group.filter((o) => o !== winner)) {
          if (other.planned.body.request_id === winner.planned.body.request_id) {
            expect(other.status).toBe(200);
            expect(other.body?.change).toEqual(winner.body?.change);
          } else {
            expect(other.status).toBe(409);
            expect(other.body?.error).toMatch(/already overridden by load-op/);
          }
        }
      }
      expect(applied).toHaveLength(150);
      expect(replays).toHaveLength(25);
      expect(conflicts).toHaveLength(15 + 10);
      for (const o of outcomes.filter((x) => x.planned.kind === "not_tripped")) expect(byN.get(o.planned.n)!.status).toBe(409);

      // The active-breakers API (cache invalidated by the writes) lists exactly the untouched keys.
      const active = await fetch(`${url}/api/v1/monitoring/active-breakers?as_of=${TODAY}`, { headers: { cookie } });
      expect(active.status).toBe(200);
      const activeKeys = ((await active.json()) as { rows: Key[] }).rows
        .map((r) => keyId({ processor: r.processor, entity_id: r.entity_id, analysis_date: r.analysis_date }))
        .sort();
      expect(activeKeys).toEqual(TRIPPED.slice(150).map(keyId).sort());

      // ---- what the database holds (the server owns the file: read it after stop)
      await server!.stop();
      const appliedIds = new Map(applied.map((o) => [keyId(o.planned.key), o.planned.body.request_id]));
      await withDatabase(db.path, async (wh) => {
        const overrides = await wh.query<{ processor_name: string; entity_id: string; analysis_date: string; request_id: string; actor: string }>(
          "SELECT processor_name, entity_id, analysis_date, request_id, actor FROM nba_orchestration.reprocess_attempts WHERE event_type = 'override'",
        );
        expect(overrides).toHaveLength(150);
        const perKey = new Map<string, string[]>();
        for (const r of overrides) {
          // Written under the name the processor's pipeline reads (ml_feature_store_v2 for the feature store).
          const processor = resolveProcessorName(r.processor_name)!;
          expect(r.processor_name).toBe(getProcessor(processor).pipelineName);
          const k = keyId({ processor, entity_id: r.entity_id, analysis_date: r.analysis_date });
          perKey.set(k, [...(perKey.get(k) ?? []), r.request_id]);
          expect(r.actor).toBe("load-op");
        }
        expect([...perKey.keys()].sort()).toEqual(TRIPPED.slice(0, 150).map(keyId).sort());
        for (const [k, ids] of perKey) expect(ids, k).toEqual([appliedIds.get(k)]);

        const [{ n: attemptRows }] = (await wh.query<{ n: number }>("SELECT COUNT(*) AS n FROM nba_orchestration.reprocess_attempts")) as [{ n: number }];
        expect(Number(attemptRows)).toBe(TRIPPED.length * 3 + CLOSED.length * 2 + 150);

        const audit = await wh.query<{ action: string; request_id: string; key_count: number }>("SELECT action, request_id, key_count FROM nba_orchestration.breaker_audit_log");
        const overrideAudit = audit.filter((a) => a.action === "override");
        console.info(`[load] audit rows: ${audit.length} (override: ${overrideAudit.length}); override rows: ${overrides.length}`);
        expect(audit).toHaveLength(overrideAudit.length);
        expect(overrideAudit).toHaveLength(applied.length);
        expect(overrideAudit.map((a) => a.request_id).sort()).toEqual([...appliedIds.values()].sort());
        expect(overrideAudit.every((a) => Number(a.key_count) === 1)).toBe(true);
      });
    },
    LOAD_SECONDS * 1_000 + 240_000,
  );
});
