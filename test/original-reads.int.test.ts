/**
 * The console's reads on the warehouse it exists for: every monitoring query, the threshold
 * what-if, data-as-of and the entity read (stored columns and live recheck) run on one season
 * written the way the original Python pipeline writes it (tables from its own DDL, its processor
 * names, no success rows, skipped entities only in reprocess_attempts, NULL console columns,
 * microsecond timestamps, NBA.com schedule ids beside YYYYMMDD_AWAY_HOME box-score ids, values
 * above 100%, stale and postponed schedule rows, a flag-only override, a RESET) — and on the same
 * facts in the console's own tables. Each answer is compared with one computed here in
 * TypeScript from the facts in test/support/original-fixtures.ts (not with the product's
 * queries), and the cases the reads exist for are also checked by hand.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("next/headers", async () => (await import("@/test/support/session")).mockNextHeaders("viewer"));

import { ORIGINAL_DEPLOYMENT, buildDeployment } from "@/lib/completeness/deployment";
import { addDays, addDaysToInstant } from "@/lib/completeness/dates";
import { PROCESSORS, type ProcessorName, getProcessor } from "@/lib/completeness/processors";
import { type CompletenessData, type Presence, computeEntityCompleteness, presence } from "@/lib/completeness/windows";
import { getEntityDetail } from "@/lib/data/entity";
import type { EntityDetail, EntityFound, ProcessorSection } from "@/lib/entities/view";
import { selectActiveKeys } from "@/lib/engine/bulk-selection";
import { type MonitoringQueryName, type MonitoringRow, MONITORING_QUERY_NAMES, monitoringRows } from "@/lib/monitoring/schemas";
import { attemptWindowParams, latestOutputDate, runMonitoringQuery, seasonRange } from "@/lib/queries/monitoring";
import { thresholdPassCounts } from "@/lib/queries/thresholds";
import type { Warehouse } from "@/lib/warehouse/types";
import {
  ATTEMPTS,
  type AttemptFact,
  BACKFILL_AT,
  BOX_ROWS,
  CALENDAR,
  GAMES,
  KEYS,
  LAST_OUTPUT,
  NOW,
  OPENING,
  OUTPUTS,
  PPD_FROM,
  PPD_TO,
  RESET_ROW,
  SCHEDULE_ROWS,
  SHAPES,
  type Shape,
  TODAY,
  arrivalOf,
  boxId,
  msOf,
  shapedWarehouse,
  untilOf,
  writeDataset,
} from "@/test/support/original-fixtures";

// ---------------------------------------------------------------------------------------------
// The reference: the same facts, computed in TypeScript

type Event = "failure" | "trip" | "override" | "reset" | "success";

/** The rows reprocess_attempts holds after the writes (the reset's DELETE removed its strikes). */
interface StoredAttempt extends AttemptFact {
  notes: string;
  manual: boolean;
}
const STORED_ATTEMPTS: StoredAttempt[] = [
  ...ATTEMPTS.map((a) => ({
    ...a,
    notes: a.flagOverride ? a.flagOverride.notes : `Attempt ${a.n}: ${(a.pct ?? 0).toFixed(1)}% complete`,
    manual: Boolean(a.flagOverride),
  })),
  { ...RESET_ROW, skipReason: "RESET", tripped: false, manual: true },
];

/** The event of a row the pipeline wrote: only the flags say it (event_type is NULL). */
function eventOfFlags(a: Pick<AttemptFact, "skipReason" | "tripped">): Event {
  if (a.skipReason === "RESET") return "reset";
  if (a.skipReason === "MANUAL_OVERRIDE") return "override";
  if (a.tripped) return "trip";
  if (a.skipReason === null) return "success";
  return "failure";
}

const entityKey = (processor: ProcessorName, entity: string, date: string) =>
  getProcessor(processor).entityKind === "team_game" ? `${entity}_${date}` : entity;

interface Evaluated {
  processor: ProcessorName;
  entity: string;
  date: string;
  at: number;
  pct: number | null;
  ready: boolean;
  bootstrap: boolean;
  reason: string | null;
  expected: number | null;
  actual: number | null;
  missing: number | null;
}

/** Entities evaluated on [from, to]: output rows and skip attempts, the later event per key, a tie to the output. */
function evaluated(from: string, to: string): Evaluated[] {
  const best = new Map<string, { e: Evaluated; output: boolean }>();
  const offer = (e: Evaluated, output: boolean) => {
    const k = `${e.processor}|${e.entity}|${e.date}`;
    const cur = best.get(k);
    if (!cur || e.at > cur.e.at || (e.at === cur.e.at && output && !cur.output)) best.set(k, { e, output });
  };
  for (const o of OUTPUTS) {
    if (o.date < from || o.date > to) continue;
    offer(
      {
        processor: o.processor,
        entity: entityKey(o.processor, o.entity, o.date),
        date: o.date,
        at: msOf(o.writtenAt),
        pct: o.pct,
        ready: o.ready,
        bootstrap: o.bootstrap ?? false,
        reason: o.reason ?? "processed_successfully",
        expected: o.expected,
        actual: o.actual,
        missing: o.expected === null || o.actual === null ? null : Math.max(0, o.expected - o.actual),
      },
      true,
    );
  }
  for (const a of STORED_ATTEMPTS) {
    if (a.date < from || a.date > to || !["failure", "trip"].includes(eventOfFlags(a))) continue;
    offer(
      {
        processor: a.processor,
        entity: entityKey(a.processor, a.entity, a.date),
        date: a.date,
        at: msOf(a.at),
        pct: a.pct,
        ready: false,
        bootstrap: false,
        reason: a.skipReason === null ? null : `skipped_${a.skipReason}`,
        expected: null,
        actual: null,
        missing: null,
      },
      false,
    );
  }
  return [...best.values()].map((x) => x.e);
}

const r2 = (x: number) => Math.round(x * 100) / 100;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

interface ActiveKey {
  processor: ProcessorName;
  entity: string;
  date: string;
  trip: StoredAttempt;
  until: number;
}

/** Keys active at `now`: the last trip or clearing row (attempt order) is a trip whose cooldown ends after now. */
function activeAt(now: string): ActiveKey[] {
  const keys = new Map<string, StoredAttempt[]>();
  for (const a of STORED_ATTEMPTS) {
    if (msOf(a.at) > msOf(now)) continue;
    const k = `${a.processor}|${entityKey(a.processor, a.entity, a.date)}|${a.date}`;
    keys.set(k, [...(keys.get(k) ?? []), a]);
  }
  const out: ActiveKey[] = [];
  for (const [k, rows] of keys) {
    const decisive = rows.filter((r) => eventOfFlags(r) !== "failure").sort((a, b) => a.n - b.n || msOf(a.at) - msOf(b.at));
    const last = decisive.at(-1);
    if (!last || eventOfFlags(last) !== "trip") continue;
    const until = msOf(untilOf(last.at));
    if (until <= msOf(now)) continue;
    const [processor, entity, date] = k.split("|") as [ProcessorName, string, string];
    out.push({ processor, entity, date, trip: last, until });
  }
  return out;
}

/** The latest date evaluated (output or skip attempt) up to today. */
function dataAsOf(): string {
  const dates = [...OUTPUTS.map((o) => o.date), ...STORED_ATTEMPTS.filter((a) => ["failure", "trip"].includes(eventOfFlags(a))).map((a) => a.date)];
  return dates.filter((d) => d <= TODAY).sort().at(-1)!;
}

function referenceHealth(asOf: string, now: string): MonitoringRow<"health">[] {
  const rows = evaluated(addDays(asOf, -6), asOf);
  const active = activeAt(now);
  return PROCESSORS.map((p) => {
    const mine = rows.filter((r) => r.processor === p.name);
    const pcts = mine.flatMap((r) => (r.pct === null ? [] : [r.pct]));
    const ready = mine.filter((r) => r.ready).length;
    return {
      processor: p.name,
      unique_entities: new Set(mine.map((r) => r.entity)).size,
      total_records: mine.length,
      avg_completeness_pct: pcts.length ? r2(mean(pcts)) : null,
      min_completeness_pct: pcts.length ? r2(Math.min(...pcts)) : null,
      max_completeness_pct: pcts.length ? r2(Math.max(...pcts)) : null,
      production_ready_count: ready,
      production_ready_pct: mine.length ? r2((100 * ready) / mine.length) : null,
      active_breakers: active.filter((a) => a.processor === p.name).length,
      bootstrap_records: mine.filter((r) => r.bootstrap).length,
    };
  });
}

function referenceReadiness(asOf: string): MonitoringRow<"readiness">[] {
  const rows = evaluated(asOf, asOf);
  return PROCESSORS.map((p, ord) => {
    const mine = rows.filter((r) => r.processor === p.name);
    const ready = mine.filter((r) => r.ready).length;
    const pcts = mine.flatMap((r) => (r.pct === null ? [] : [r.pct]));
    const n = mine.length;
    const status = n === 0 ? "critical" : 100 * ready >= 95 * n ? "excellent" : 100 * ready >= 90 * n ? "good" : 100 * ready >= 80 * n ? "warning" : "critical";
    return {
      ord,
      row: {
        processor: p.name,
        total_records: n,
        ready_count: ready,
        not_ready_count: n - ready,
        ready_pct: n ? r2((100 * ready) / n) : null,
        avg_completeness_pct: pcts.length ? r2(mean(pcts)) : null,
        status: status as MonitoringRow<"readiness">["status"],
      },
    };
  })
    .sort((a, b) => (a.row.ready_pct === null ? -1 : 0) - (b.row.ready_pct === null ? -1 : 0) || (a.row.ready_pct ?? 0) - (b.row.ready_pct ?? 0) || a.ord - b.ord)
    .map((x) => x.row);
}

function referenceTrends(asOf: string): MonitoringRow<"trends">[] {
  const groups = new Map<string, Evaluated[]>();
  for (const r of evaluated(addDays(asOf, -29), asOf)) groups.set(`${r.date}|${r.processor}`, [...(groups.get(`${r.date}|${r.processor}`) ?? []), r]);
  return [...groups]
    .map(([k, rows]) => {
      const [date, processor] = k.split("|") as [string, string];
      const pcts = rows.flatMap((r) => (r.pct === null ? [] : [r.pct]));
      return {
        date,
        processor,
        avg_completeness_pct: pcts.length ? r2(mean(pcts)) : null,
        production_ready_pct: r2((100 * rows.filter((r) => r.ready).length) / rows.length),
        records: rows.length,
      };
    })
    .sort((a, b) => cmp(a.date, b.date) || cmp(a.processor, b.processor));
}

function referenceBelow(asOf: string): MonitoringRow<"below-threshold">[] {
  return evaluated(asOf, asOf)
    .filter((r) => !r.ready && !r.bootstrap)
    .map((r) => ({
      processor: r.processor,
      entity_id: r.entity,
      date: r.date,
      completeness_pct: r.pct === null ? null : r2(r.pct),
      expected_games: r.expected,
      actual_games: r.actual,
      missing_games: r.missing,
      processing_decision_reason: r.reason,
    }))
    .sort(
      (a, b) =>
        (a.completeness_pct === null ? 1 : 0) - (b.completeness_pct === null ? 1 : 0) ||
        (a.completeness_pct ?? 0) - (b.completeness_pct ?? 0) ||
        cmp(a.processor, b.processor) ||
        cmp(a.entity_id, b.entity_id),
    );
}

/** Active breakers, comparable across precisions: instants in ms. */
function referenceActive(now: string) {
  return activeAt(now)
    .map((k) => ({
      processor: k.processor,
      entity_id: k.entity,
      analysis_date: k.date,
      attempt_number: k.trip.n,
      completeness_pct: k.trip.pct === null ? null : r2(k.trip.pct),
      skip_reason: k.trip.skipReason,
      tripped_at: msOf(k.trip.at),
      breaker_until: k.until,
      notes: k.trip.notes,
    }))
    .sort((a, b) => a.breaker_until - b.breaker_until || cmp(a.processor, b.processor) || cmp(a.entity_id, b.entity_id) || cmp(a.analysis_date, b.analysis_date));
}

function referenceHistory(now: string) {
  const w = attemptWindowParams(now, 30);
  return STORED_ATTEMPTS.filter((a) => msOf(a.at) >= msOf(w.since) && msOf(a.at) <= msOf(now) && a.date >= w.date_from && a.date <= w.date_to)
    .map((a) => ({
      attempted_at: msOf(a.at),
      processor: a.processor,
      entity_id: entityKey(a.processor, a.entity, a.date),
      analysis_date: a.date,
      attempt_number: a.n,
      event: eventOfFlags(a),
      completeness_pct: a.pct === null ? null : r2(a.pct),
      skip_reason: a.skipReason,
      actor: null,
      notes: a.notes,
    }))
    .sort((a, b) => b.attempted_at - a.attempted_at || cmp(a.processor, b.processor) || cmp(a.entity_id, b.entity_id) || cmp(a.analysis_date, b.analysis_date) || b.attempt_number - a.attempt_number);
}

function referencePatterns(now: string): MonitoringRow<"patterns">[] {
  const w = attemptWindowParams(now, 7);
  const rows = STORED_ATTEMPTS.filter(
    (a) => msOf(a.at) >= msOf(w.since) && msOf(a.at) <= msOf(now) && a.date >= w.date_from && a.date <= w.date_to && eventOfFlags(a) !== "override" && eventOfFlags(a) !== "reset",
  );
  const groups = new Map<string, StoredAttempt[]>();
  for (const a of rows) groups.set(JSON.stringify([a.processor, a.skipReason]), [...(groups.get(JSON.stringify([a.processor, a.skipReason])) ?? []), a]);
  return [...groups]
    .map(([k, list]) => {
      const [processor, skip_reason] = JSON.parse(k) as [string, string | null];
      const entities = new Set(list.map((a) => entityKey(a.processor, a.entity, a.date))).size;
      const pcts = list.flatMap((a) => (a.pct === null ? [] : [a.pct]));
      return {
        processor,
        skip_reason,
        affected_entities: entities,
        total_attempts: list.length,
        avg_attempts_per_entity: r2(list.length / entities),
        avg_completeness_pct: pcts.length ? r2(mean(pcts)) : null,
        trips: list.filter((a) => eventOfFlags(a) === "trip").length,
      };
    })
    .sort(
      (a, b) =>
        b.affected_entities - a.affected_entities ||
        cmp(a.processor, b.processor) ||
        (a.skip_reason === b.skip_reason ? 0 : a.skip_reason === null ? 1 : b.skip_reason === null ? -1 : cmp(a.skip_reason, b.skip_reason)),
    );
}

function referenceBootstrap(asOf: string): MonitoringRow<"bootstrap">[] {
  const { date_from } = seasonRange(asOf, CALENDAR);
  const groups = new Map<string, number>();
  for (const o of OUTPUTS.filter((x) => x.bootstrap && x.date >= date_from && x.date <= asOf)) {
    groups.set(`${o.date}|${o.processor}`, (groups.get(`${o.date}|${o.processor}`) ?? 0) + 1);
  }
  return [...groups]
    .map(([k, n]) => {
      const [date, processor] = k.split("|") as [string, string];
      return { date, processor, bootstrap_records: n };
    })
    .sort((a, b) => cmp(b.date, a.date) || cmp(a.processor, b.processor));
}

function referenceMultiWindow(asOf: string): MonitoringRow<"multi-window">[] {
  return OUTPUTS.filter((o) => o.date === asOf && getProcessor(o.processor).multiWindow && o.windows && !getProcessor(o.processor).windows.every((w) => o.windows![w.id]![1]))
    .flatMap((o) =>
      getProcessor(o.processor).windows.map((w) => ({
        processor: o.processor,
        entity_id: entityKey(o.processor, o.entity, o.date),
        date: o.date,
        window: w.id,
        completeness_pct: o.windows![w.id]![0],
        is_complete: o.windows![w.id]![1],
      })),
    )
    .sort((a, b) => cmp(a.processor, b.processor) || cmp(a.entity_id, b.entity_id));
}

/** The threshold what-if: unrounded completeness (from the counts where they agree with the stored figure). */
function referencePass(asOf: string, thresholds: number[]) {
  const rows = evaluated(asOf, asOf).map((r) => ({
    ...r,
    value:
      r.expected !== null && r.expected > 0 && r.actual !== null && r.pct !== null && Math.abs((100 * r.actual) / r.expected - r.pct) <= 0.05
        ? (100 * r.actual) / r.expected
        : r.pct,
  }));
  return PROCESSORS.flatMap((p) =>
    [...new Set(thresholds)].sort((a, b) => a - b).map((t) => {
      const mine = rows.filter((r) => r.processor === p.name);
      return {
        processor: p.name,
        threshold: t,
        total_records: mine.length,
        ready_count: mine.filter((r) => r.ready).length,
        no_games_expected: mine.filter((r) => r.value === null).length,
        pass_count: mine.filter((r) => r.value === null || r.value >= t).length,
      };
    }),
  );
}

/** Live completeness from the facts: presence by date (the ids differ between tables), rows arrived by `observedAt`. */
function referenceData(upstream: "player_game_summary" | "bdl_player_boxscores" | "team_defense_game_summary", observedAt: string): CompletenessData {
  const arrived = (at: string | null) => at === null || msOf(at) <= msOf(observedAt);
  const byKey = <T,>(rows: T[], key: (r: T) => string, date: (r: T) => string): Map<string, Presence> => {
    const m = new Map<string, Set<string>>();
    for (const r of rows) m.set(key(r), new Set([...(m.get(key(r)) ?? []), date(r)]));
    return new Map([...m].map(([k, dates]) => [k, presence({ dates })]));
  };
  const schedule = SCHEDULE_ROWS.map((g) => ({ game_id: g.nbaId, game_date: g.date, status: g.status, home: g.home, away: g.away }));
  if (upstream === "team_defense_game_summary") {
    const rows = GAMES.filter((g) => g.status === 3 && arrived(arrivalOf(g.date))).flatMap((g) => [g.home, g.away].map((team) => ({ team, date: g.date })));
    return { schedule, present: byKey(rows, (r) => r.team, (r) => r.date), calendar: CALENDAR };
  }
  const raw = BOX_ROWS.filter((r) => arrived(arrivalOf(r.game.date)));
  const rows = upstream === "player_game_summary" ? BOX_ROWS.filter((r) => r.summary && arrived(r.processedAt)) : raw;
  return {
    schedule,
    present: byKey(rows, (r) => r.player, (r) => r.game.date),
    teamBoxScores: byKey(rows, (r) => r.team, (r) => r.game.date),
    playerTeams: rows.map((r) => ({ player: r.player, game_date: r.game.date, team: r.team })),
    playedPerRaw: byKey(raw.filter((r) => r.minutes !== "00"), (r) => r.player, (r) => r.game.date),
    calendar: CALENDAR,
  };
}

// ---------------------------------------------------------------------------------------------

const DEPLOY_90 = buildDeployment({ readers: "original", thresholds: 90 });
const DEPLOY_70 = buildDeployment({ readers: "original", thresholds: 70 });

const found = (d: EntityDetail): EntityFound => {
  if (d.status !== "found") throw new Error(`expected a found entity, got ${d.status}: ${JSON.stringify(d)}`);
  return d;
};
const sectionOf = (d: EntityFound, p: ProcessorName): ProcessorSection => d.processors.find((s) => s.processor === p)!;
const liveOf = (s: ProcessorSection) => {
  if (!s.live.ok) throw new Error(`live recheck failed: ${s.live.message}`);
  return s.live.value;
};
const storedOf = (s: ProcessorSection) => {
  if (!s.stored.ok) throw new Error(`stored read failed: ${s.stored.message}`);
  return s.stored.value;
};

describe.each(SHAPES)("on the %s-shaped warehouse", (shape: Shape) => {
  let wh: Warehouse;
  const AS_OF = dataAsOf();
  const CTX = { as_of: AS_OF, now: NOW, calendar: CALENDAR };
  const q = <N extends MonitoringQueryName>(name: N, ctx: { as_of: string; now: string } = CTX) => runMonitoringQuery(wh, name, { ...ctx, calendar: CALENDAR });
  const detail = (entity: string, date: string | undefined, opts: { now?: string; deployment?: typeof DEPLOY_90 } = {}) =>
    getEntityDetail(entity, date, { warehouse: wh, now: opts.now ?? NOW, calendar: CALENDAR, deployment: opts.deployment ?? DEPLOY_90 });

  beforeAll(async () => {
    wh = shapedWarehouse(shape);
    await writeDataset(wh, shape);
  });
  afterAll(async () => {
    await wh.close();
  });

  it("holds the shape it claims (original: the pipeline's names and ids, no processed_at on the feature store)", async () => {
    const names = await wh.query<{ processor_name: string }>(
      "SELECT DISTINCT processor_name FROM nba_orchestration.reprocess_attempts WHERE analysis_date BETWEEN @f AND @t ORDER BY processor_name",
      { params: { f: "2024-01-01", t: "2026-01-01" }, types: { f: "DATE", t: "DATE" } },
    );
    const ids = await wh.query<{ game_id: string }>("SELECT game_id FROM nba_analytics.player_game_summary WHERE game_date = @d LIMIT 1", { params: { d: "2025-01-14" }, types: { d: "DATE" } });
    const cols = await wh.query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = 'nba_predictions' AND table_name = 'ml_feature_store_v2' AND column_name = 'processed_at'",
    );
    if (shape === "original") {
      expect(names.map((n) => n.processor_name)).toContain("ml_feature_store_v2");
      expect(names.map((n) => n.processor_name)).toContain("nba_analytics.upcoming_player_game_context");
      expect(ids[0]!.game_id).toMatch(/^20250114_[A-Z]{3}_[A-Z]{3}$/);
      expect(cols).toEqual([]);
    } else {
      expect(names.map((n) => n.processor_name)).toContain("ml_feature_store");
      expect(ids[0]!.game_id).toMatch(/^00224\d{5}$/);
    }
  });

  describe("data as of", () => {
    it("is the latest date the pipeline evaluated: the outage's last night, output or not", async () => {
      expect(AS_OF).toBe("2025-01-17"); // by hand: skips only on 01-16 and 01-17, the last output on 01-15
      expect(await latestOutputDate(wh, NOW)).toBe(AS_OF);
      // the upcoming context's key for 2025-01-20 is ahead of today: not "data as of"
      expect(await latestOutputDate(wh, "2025-01-16T00:00:00.000Z")).toBe("2025-01-16");
    });
  });

  describe("every monitoring query", () => {
    it.each(MONITORING_QUERY_NAMES)("%s answers with rows of its contract (values above 100% included)", async (name) => {
      for (const asOf of [AS_OF, LAST_OUTPUT, "2025-01-14"]) {
        const rows = await q(name, { as_of: asOf, now: NOW });
        for (const row of rows) expect(monitoringRows[name].safeParse(row).success).toBe(true);
      }
    });
  });

  describe("health", () => {
    it.each([AS_OF, LAST_OUTPUT])("matches the reference at as_of %s", async (asOf) => {
      expect(await q("health", { as_of: asOf, now: NOW })).toEqual(referenceHealth(asOf, NOW));
    });

    it("by hand: the outage shows as 0% ready, skipped entities counted; the active count is the list's length", async () => {
      const rows = await q("health");
      const tdza = rows.find((r) => r.processor === "team_defense_zone_analysis")!;
      // 01-11…01-17: four teams on 01-14 (ready, 200%), BOS and GSW on 01-15 (ready, 186.7 and
      // 193.3), LAL and NYK skipped on 01-15 (86.7), all four skipped on 01-16 and 01-17 (0):
      // 4 + 4 + 4 + 4 = 16 evaluated, 4 + 2 = 6 ready
      expect(tdza).toMatchObject({ unique_entities: 4, total_records: 16, production_ready_count: 6, production_ready_pct: 37.5, max_completeness_pct: 200, min_completeness_pct: 0 });
      // LAL 2025-01-17 (tripped in the outage, after the last output): active at now
      expect(tdza.active_breakers).toBe(1);
      const active = await q("active-breakers");
      for (const h of rows) expect(h.active_breakers).toBe(active.filter((a) => a.processor === h.processor).length);
    });
  });

  describe("readiness", () => {
    it.each([AS_OF, LAST_OUTPUT, "2025-01-14"])("matches the reference at as_of %s", async (asOf) => {
      expect(await q("readiness", { as_of: asOf, now: NOW })).toEqual(referenceReadiness(asOf));
    });

    it("by hand: on the last output date, skipped entities are evaluated and not ready", async () => {
      const psza = (await q("readiness", { as_of: LAST_OUTPUT, now: NOW })).find((r) => r.processor === "player_shot_zone_analysis")!;
      // written: lebronjames, jaysontatum, tradedguy (ready); skipped: anthonydavis, rookieguy
      expect(psza).toMatchObject({ total_records: 5, ready_count: 3, not_ready_count: 2, ready_pct: 60, status: "critical" });
    });
  });

  describe("trends", () => {
    it("matches the reference over the 30 dates ending at as_of (days the pipeline skipped everything included)", async () => {
      const rows = await q("trends");
      expect(rows).toEqual(referenceTrends(AS_OF));
      expect(rows.find((r) => r.date === "2025-01-16" && r.processor === "player_shot_zone_analysis")).toEqual({
        date: "2025-01-16",
        processor: "player_shot_zone_analysis",
        avg_completeness_pct: 0,
        production_ready_pct: 0,
        records: 6,
      });
    });
  });

  describe("below-threshold", () => {
    it.each([AS_OF, LAST_OUTPUT])("matches the reference at as_of %s", async (asOf) => {
      expect(await q("below-threshold", { as_of: asOf, now: NOW })).toEqual(referenceBelow(asOf));
    });

    it("by hand: an entity the pipeline skipped (no output row) is listed with its skip reason", async () => {
      const rows = await q("below-threshold", { as_of: LAST_OUTPUT, now: NOW });
      expect(rows.find((r) => r.entity_id === "rookieguy")).toEqual({
        processor: "player_shot_zone_analysis",
        entity_id: "rookieguy",
        date: LAST_OUTPUT,
        completeness_pct: 0,
        expected_games: null,
        actual_games: null,
        missing_games: null,
        processing_decision_reason: "skipped_incomplete_upstream_data",
      });
      expect(rows.find((r) => r.processor === "player_daily_cache")).toMatchObject({ entity_id: "anthonydavis", completeness_pct: 90, processing_decision_reason: "skipped_incomplete_upstream_data_multi_window" });
      expect(rows.map((r) => r.entity_id)).not.toContain("jaysontatum"); // 105% and ready
    });
  });

  describe("active-breakers", () => {
    it.each([AS_OF, LAST_OUTPUT, "2025-01-01"])("lists every key active at now whatever as_of is (%s)", async (asOf) => {
      const rows = await q("active-breakers", { as_of: asOf, now: NOW });
      expect(rows.map(({ hours_remaining: _h, tripped_at, breaker_until, ...r }) => ({ ...r, tripped_at: msOf(tripped_at), breaker_until: msOf(breaker_until) }))).toEqual(referenceActive(NOW));
    });

    it("by hand: the keys, including one after data-as-of, one overridden only by flag, one at 104.2%", async () => {
      const rows = await q("active-breakers", { as_of: LAST_OUTPUT, now: NOW });
      const keys = rows.map((r) => `${r.processor}|${r.entity_id}|${r.analysis_date}`).sort();
      const k = (x: { processor: ProcessorName; entity: string; date: string }) => `${x.processor}|${entityKey(x.processor, x.entity, x.date)}|${x.date}`;
      expect(keys).toEqual([KEYS.recovered, KEYS.lostRows, KEYS.flagOverride, KEYS.outage, KEYS.ahead, KEYS.overHundred].map(k).sort());
      // not: the reset key, the expired key
      expect(rows.find((r) => r.analysis_date === "2025-01-20")!.analysis_date > AS_OF).toBe(true);
      expect(rows.find((r) => r.processor === "upcoming_player_game_context" && r.entity_id === "stephcurry")!.completeness_pct).toBe(104.2);
      expect(rows.find((r) => r.processor === "ml_feature_store")!.notes).toMatch(/^Manual override applied by ops/);
    });

    it("agrees with the reference at other instants", async () => {
      for (const now of ["2025-01-15T06:00:00.000Z", "2025-01-22T05:00:00.000Z", "2025-01-30T00:00:00.000Z"]) {
        const rows = await q("active-breakers", { as_of: AS_OF, now });
        expect(rows.map((r) => `${r.processor}|${r.entity_id}|${r.analysis_date}`)).toEqual(referenceActive(now).map((r) => `${r.processor}|${r.entity_id}|${r.analysis_date}`));
      }
    });
  });

  describe("breaker-history and patterns", () => {
    it("history: every row of the 30 days ending at now, events from the flags", async () => {
      const rows = await q("breaker-history");
      expect(rows.map((r) => ({ ...r, attempted_at: msOf(r.attempted_at) }))).toEqual(referenceHistory(NOW));
      const events = new Set(rows.map((r) => r.event));
      expect([...events].sort()).toEqual(["failure", "reset", "trip"]); // the pipeline writes no success row; its override is a flag on a trip
    });

    it("patterns: the attempts of the 7 days ending at now", async () => {
      expect(await q("patterns")).toEqual(referencePatterns(NOW));
    });
  });

  describe("bootstrap and multi-window", () => {
    it("bootstrap: per date and processor in the season of as_of", async () => {
      expect(await q("bootstrap")).toEqual(referenceBootstrap(AS_OF));
      expect(referenceBootstrap(AS_OF).map((r) => r.date)).toEqual(["2024-11-01", OPENING]); // by hand
    });

    it("multi-window: the team-game context the original writes incomplete", async () => {
      const rows = await q("multi-window", { as_of: "2025-01-14", now: NOW });
      expect(rows).toEqual(referenceMultiWindow("2025-01-14"));
      expect(rows.map((r) => [r.entity_id, r.window, r.completeness_pct])).toEqual([
        ["NYK_2025-01-14", "l7d", 50],
        ["NYK_2025-01-14", "l14d", 75],
      ]);
    });
  });

  describe("threshold what-if", () => {
    it("matches the reference, comparing unrounded values", async () => {
      const thresholds = [70, 80, 85, 90, 95];
      const rows = await thresholdPassCounts.run(wh, { date_from: LAST_OUTPUT, date_to: LAST_OUTPUT, thresholds });
      expect(rows).toEqual(referencePass(LAST_OUTPUT, thresholds));
      // by hand, PSZA on the last output date: lebronjames 100, jaysontatum 105, tradedguy stored
      // 90.0 but 269 / 299 = 89.97 unrounded, anthonydavis 80 and rookieguy 0 (skipped)
      const at = (t: number) => rows.find((r) => r.processor === "player_shot_zone_analysis" && r.threshold === t)!.pass_count;
      expect([at(70), at(80), at(85), at(90), at(95)]).toEqual([4, 4, 3, 2, 2]);
    });
  });

  describe("the entity read", () => {
    it("a recovered key is found recovered (box scores backfilled, joined by team and date): safe to override", async () => {
      const d = found(await detail(KEYS.recovered.entity, KEYS.recovered.date));
      const psza = sectionOf(d, "player_shot_zone_analysis");
      expect(storedOf(psza)).toBeNull(); // skipped: the pipeline wrote no output row
      const live = liveOf(psza);
      const ref = computeEntityCompleteness(referenceData("player_game_summary", NOW), { kind: "player", entity: "stephcurry", date: KEYS.recovered.date, windows: getProcessor("player_shot_zone_analysis").windows });
      expect(live.windows.map((w) => [w.id, w.expected, w.actual, w.missing, w.completenessPct])).toEqual(ref.windows.map((w) => [w.id, w.expected, w.actual, w.missing, w.pctRounded]));
      expect(live.windows[0]).toMatchObject({ expected: 10, actual: 10, completenessPct: 100 }); // by hand
      expect(live.breakerStatus).toBe("active");
      expect(psza.verdict).toMatchObject({ kind: "override_safe", readyNow: true });
    });

    it("the bulk override's \"only keys whose data recovered\" selects the recovered key, not the one with lost rows", async () => {
      const filter = { date_from: "2025-01-13", date_to: "2025-01-14", processors: ["player_shot_zone_analysis" as const] };
      const active = await selectActiveKeys(wh, filter, NOW, ORIGINAL_DEPLOYMENT, CALENDAR);
      expect(active.map((k) => `${k.entity_id}|${k.analysis_date}`).sort()).toEqual(["anthonydavis|2025-01-14", "stephcurry|2025-01-13"]);
      const recovered = await selectActiveKeys(wh, { ...filter, only_recovered: true }, NOW, ORIGINAL_DEPLOYMENT, CALENDAR);
      expect(recovered.map((k) => `${k.processor}|${k.entity_id}|${k.analysis_date}`)).toEqual(["player_shot_zone_analysis|stephcurry|2025-01-13"]);
    });

    it("before the backfill the same key is missing exactly the outage's games", async () => {
      const before = "2025-01-16T12:00:00.000Z";
      const live = liveOf(sectionOf(found(await detail(KEYS.recovered.entity, KEYS.recovered.date, { now: before })), "player_shot_zone_analysis"));
      const ref = computeEntityCompleteness(referenceData("player_game_summary", before), { kind: "player", entity: "stephcurry", date: KEYS.recovered.date, windows: getProcessor("player_shot_zone_analysis").windows });
      expect(live.windows[0]).toMatchObject({ expected: ref.windows[0]!.expected, actual: ref.windows[0]!.actual });
      expect(live.missingGames.map((g) => g.date).sort()).toEqual(["2025-01-08", "2025-01-10"]);
      expect(msOf(BACKFILL_AT)).toBeGreaterThan(msOf(before));
    });

    it("the verdict follows the deployment's threshold: 80% is not safe at 90, safe at 70", async () => {
      const at90 = sectionOf(found(await detail(KEYS.lostRows.entity, KEYS.lostRows.date, { deployment: DEPLOY_90 })), "player_shot_zone_analysis");
      const at70 = sectionOf(found(await detail(KEYS.lostRows.entity, KEYS.lostRows.date, { deployment: DEPLOY_70 })), "player_shot_zone_analysis");
      expect(liveOf(at90).windows[0]).toMatchObject({ expected: 10, actual: 8, completenessPct: 80 }); // lost rows on 01-02 and 01-06
      expect(liveOf(at90).threshold).toBe(90);
      expect(at90.verdict!.kind).toBe("not_safe");
      expect(liveOf(at70).threshold).toBe(70);
      expect(at70.verdict!.kind).toBe("override_safe");
    });

    it("stored rows as written (105%, the feature store's updated_at) and a live recheck over a DNP, a postponed game, stale and doubled schedule rows", async () => {
      const d = found(await detail("lebronjames", LAST_OUTPUT));
      const psza = sectionOf(d, "player_shot_zone_analysis");
      expect(storedOf(psza)).toMatchObject({ completenessPct: 100, productionReady: true, expected: 10, actual: 10 });
      const mlfs = storedOf(sectionOf(d, "ml_feature_store"))!;
      const written = OUTPUTS.find((o) => o.processor === "ml_feature_store" && o.entity === "lebronjames")!.writtenAt;
      expect(msOf(mlfs.processedAt!)).toBe(msOf(written));
      for (const p of ["player_shot_zone_analysis", "player_daily_cache", "player_composite_factors", "ml_feature_store"] as const) {
        const def = getProcessor(p);
        const ref = computeEntityCompleteness(referenceData("player_game_summary", NOW), { kind: "player", entity: "lebronjames", date: LAST_OUTPUT, windows: def.windows });
        const live = liveOf(sectionOf(d, p));
        expect(live.windows.map((w) => [w.id, w.expected, w.actual, w.completenessPct, w.dnpGames.map((g) => g.date)]), p).toEqual(
          ref.windows.map((w) => [w.id, w.expected, w.actual, w.pctRounded, w.dnpGames.map((g) => g.game_date)]),
        );
      }
      // by hand: L10 before 01-15 = 01-14, 12, 10, 08, 07 (the game postponed from 01-04), 06,
      // 02 (DNP), 12-31, 12-29, 12-27 — the stale 01-10 rows and the doubled 01-12 row count once
      const l10 = liveOf(psza).windows[0]!;
      expect(l10).toMatchObject({ expected: 10, actual: 10, missing: 0 });
      expect(l10.dnpGames.map((g) => g.date)).toEqual(["2025-01-02"]);
      expect(l10.missingGames).toEqual([]);
      expect(PPD_TO > PPD_FROM).toBe(true);

      const jt = found(await detail("jaysontatum", LAST_OUTPUT));
      expect(storedOf(sectionOf(jt, "player_shot_zone_analysis"))!.completenessPct).toBe(105);
      expect(storedOf(sectionOf(jt, "ml_feature_store"))!.completenessPct).toBe(101.5);
      // his player_game_summary rows have processed_at NULL: there all the same
      expect(liveOf(sectionOf(jt, "player_shot_zone_analysis")).windows[0]).toMatchObject({ expected: 10, actual: 10, team: "BOS" });
    });

    it("a traded player is measured on his new team's games", async () => {
      const d = found(await detail("tradedguy", LAST_OUTPUT));
      const live = liveOf(sectionOf(d, "player_shot_zone_analysis"));
      const ref = computeEntityCompleteness(referenceData("player_game_summary", NOW), { kind: "player", entity: "tradedguy", date: LAST_OUTPUT, windows: getProcessor("player_shot_zone_analysis").windows });
      expect(live.team).toBe("LAL");
      expect(live.windows.map((w) => [w.expected, w.actual])).toEqual(ref.windows.map((w) => [w.expected, w.actual]));
    });

    it("season start: nothing expected on opening night, bootstrap", async () => {
      const psza = sectionOf(found(await detail("lebronjames", OPENING)), "player_shot_zone_analysis");
      const live = liveOf(psza);
      expect(live.windows.every((w) => w.noGamesExpected && w.completenessPct === null)).toBe(true);
      expect(live.bootstrap).toBe(true);
      expect(storedOf(psza)).toMatchObject({ completenessPct: 0, bootstrap: true }); // as the original wrote it
    });

    it("a team: the defensive box scores joined by date, before and after the backfill", async () => {
      for (const now of ["2025-01-16T12:00:00.000Z", NOW]) {
        const d = found(await detail("LAL", LAST_OUTPUT, { now }));
        const tdza = sectionOf(d, "team_defense_zone_analysis");
        expect(storedOf(tdza)).toBeNull(); // skipped on that date
        const ref = computeEntityCompleteness(referenceData("team_defense_game_summary", now), { kind: "team", entity: "LAL", date: LAST_OUTPUT, windows: getProcessor("team_defense_zone_analysis").windows });
        expect(liveOf(tdza).windows.map((w) => [w.expected, w.actual])).toEqual(ref.windows.map((w) => [w.expected, w.actual]));
        expect(liveOf(tdza).windows[0]!.actual).toBe(now === NOW ? 15 : 13); // by hand: 01-08 and 01-10 missing until the backfill
      }
    });

    it("the team-game context's stored row (never skipped, 75% as written)", async () => {
      const d = found(await detail("NYK_2025-01-14", undefined));
      expect(storedOf(sectionOf(d, "upcoming_team_game_context"))).toMatchObject({ completenessPct: 75, allWindowsComplete: false });
    });
  });

  it("the fixture's box-score ids are the box-score format on the original shape", () => {
    expect(boxId({ date: "2024-12-15", away: "BOS", home: "LAL" })).toBe("20241215_BOS_LAL");
    expect(addDaysToInstant("2025-01-01T00:00:00.000Z", 1)).toBe("2025-01-02T00:00:00.000Z");
  });
});
