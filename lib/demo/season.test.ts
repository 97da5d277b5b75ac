/**
 * Invariants of the simulated demo season (lib/demo/season.ts), on fixed seeds so every
 * failure is reproducible and hand-checkable. The headline options are the real 2025-26
 * season (opening night 2025-10-21) simulated through 2026-03-15.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";

import { addDays, daysBetween, toEpochDay } from "../completeness/dates";
import { createRng, deriveSeed } from "./random";
import {
  ALL_STAR_BREAK,
  GAMES_PER_TEAM,
  type ScheduleRow,
  type SimulatedSeason,
  type SimulatedSeasonData,
  TOTAL_GAMES,
  analyticsGameId,
  generateSeason,
  nbaGameId,
  normalizePlayerLookup,
} from "./season";

const OPTIONS = { seed: 2025, seasonStart: "2025-10-21", seasonYear: 2025, simulateThrough: "2026-03-15" } as const;

let season: SimulatedSeason;
let generationMs = 0;

beforeAll(() => {
  const t0 = performance.now();
  season = generateSeason(OPTIONS);
  generationMs = performance.now() - t0;
  console.log(
    `generateSeason(seed ${OPTIONS.seed}, through ${OPTIONS.simulateThrough}): ${generationMs.toFixed(0)} ms, ` +
      `${season.schedule.length} schedule rows, ${season.bdlPlayerBoxscores.length} bdl, ` +
      `${season.playerGameSummary.length} pgs, ${season.teamDefenseGameSummary.length} tdgs rows`,
  );
});

/** Plain data only: the two lookup functions are closures, never deep-equal across runs. */
function dataOf(s: SimulatedSeason): SimulatedSeasonData {
  return Object.fromEntries(Object.entries(s).filter(([, v]) => typeof v !== "function")) as unknown as SimulatedSeasonData;
}

const postponedIds = (s: SimulatedSeasonData) => new Set(s.faults.postponed.map((p) => p.game_id));
const playedGames = (s: SimulatedSeasonData) => s.schedule.filter((g) => !postponedIds(s).has(g.game_id));
const finalGames = (s: SimulatedSeasonData) => s.schedule.filter((g) => g.game_status === 3);
const msOf = (iso: string) => Date.parse(iso);
const at = (date: string, hour: number) => toEpochDay(date) * 86_400_000 + hour * 3_600_000;
const secondsOf = (minutes: string) => {
  const [m, s] = minutes.split(":").map(Number);
  return (m ?? 0) * 60 + (s ?? 0);
};

function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k) ?? [];
    list.push(r);
    out.set(k, list);
  }
  return out;
}

describe("normalizePlayerLookup (the pipeline's normalize_name_for_lookup)", () => {
  it.each([
    ["LeBron James", "lebronjames"],
    ["LeBron James Jr.", "lebronjamesjr"],
    ["José Alvarado", "josealvarado"],
    ["O'Neal", "oneal"],
    ["De'Aaron Fox", "deaaronfox"],
    ["Jaren Jackson Jr.", "jarenjacksonjr"],
    ["Nikola Jokić", "nikolajokic"],
    ["Alperen Şengün", "alperensengun"],
    ["Kristaps Porziņģis", "kristapsporzingis"],
    ["Shai Gilgeous-Alexander", "shaigilgeousalexander"],
    ["P.J. Washington", "pjwashington"],
    ["Royce O\u2019Neale", "royceoneale"], // typographic apostrophe: dropped as "other"
    ["Trey Murphy III", "treymurphyiii"],
    ["smith_jr, john", "smithjrjohn"],
  ])("%s → %s", (name, lookup) => {
    expect(normalizePlayerLookup(name)).toBe(lookup);
  });

  it("always yields [a-z0-9]* and is idempotent", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 30 }), (name) => {
        const once = normalizePlayerLookup(name);
        expect(once).toMatch(/^[a-z0-9]*$/);
        expect(normalizePlayerLookup(once)).toBe(once);
      }),
    );
  });
});

describe("random", () => {
  it("is reproducible per seed and int() is inclusive", () => {
    const a = createRng(7);
    const b = createRng(7);
    const xs = Array.from({ length: 1000 }, () => a.int(1, 3));
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.int(1, 3)));
    expect(new Set(xs)).toEqual(new Set([1, 2, 3]));
    expect(deriveSeed(1, "a")).toBe(deriveSeed(1, "a"));
    expect(deriveSeed(1, "a")).not.toBe(deriveSeed(1, "b"));
    expect(deriveSeed(1, "a")).not.toBe(deriveSeed(2, "a"));
  });

  it("shuffle is a permutation and leaves its input alone", () => {
    const input = Array.from({ length: 50 }, (_, i) => i);
    const out = createRng(3).shuffle(input);
    expect(out).not.toEqual(input);
    expect([...out].sort((x, y) => x - y)).toEqual(input);
    expect(input[0]).toBe(0);
  });
});

describe("generateSeason: performance and determinism", () => {
  it("runs well under 2 s", () => {
    expect(generationMs).toBeLessThan(2000);
  });

  it("same seed → identical output; different seed → different", () => {
    expect(dataOf(generateSeason(OPTIONS))).toEqual(dataOf(season));
    const other = generateSeason({ ...OPTIONS, seed: 2026 });
    expect(other.schedule.map((g) => `${g.game_date}${g.home_team_tricode}${g.away_team_tricode}`)).not.toEqual(
      season.schedule.map((g) => `${g.game_date}${g.home_team_tricode}${g.away_team_tricode}`),
    );
  });

  it("a game's box score does not depend on how far the season is simulated", () => {
    const later = generateSeason({ ...OPTIONS, simulateThrough: "2026-04-12" });
    const pick = (s: SimulatedSeasonData) =>
      s.bdlPlayerBoxscores.filter((r) => r.game_date === "2026-01-15").map((r) => [r.game_id, r.player_lookup, r.team_abbr, r.minutes].join("|"));
    expect(pick(later)).toEqual(pick(season));
    expect(pick(season).length).toBeGreaterThan(0);
  });
});

describe("rows match the DDL columns exactly", () => {
  const columnsOf = (table: string): string[] => {
    const sql = readFileSync(fileURLToPath(new URL(`../../sql/schema/${table}.sql`, import.meta.url)), "utf8");
    const body = sql.slice(sql.indexOf("(") + 1, sql.indexOf("PARTITION BY"));
    return [...body.matchAll(/^\s+([a-z_]+)\s+[A-Z]/gm)].map((m) => m[1] as string).sort();
  };
  it.each([
    ["nba_raw.nbac_schedule", () => season.schedule[0]],
    ["nba_analytics.player_game_summary", () => season.playerGameSummary[0]],
    ["nba_analytics.team_defense_game_summary", () => season.teamDefenseGameSummary[0]],
    ["nba_raw.bdl_player_boxscores", () => season.bdlPlayerBoxscores[0]],
  ])("%s", (table, row) => {
    expect(Object.keys(row() ?? {}).sort()).toEqual(columnsOf(table));
  });
});

describe("teams and players", () => {
  it("30 teams, 15 players each, unique lookups, universal ids", () => {
    expect(season.teams).toHaveLength(30);
    expect(season.players).toHaveLength(450);
    for (const [, list] of groupBy(season.players, (p) => p.team)) expect(list).toHaveLength(15);
    expect(new Set(season.players.map((p) => p.player_lookup)).size).toBe(450);
    for (const p of season.players) {
      expect(p.player_lookup).toBe(normalizePlayerLookup(p.name));
      expect(p.universal_player_id).toBe(`${p.player_lookup}_001`);
    }
  });

  it("has lebronjames on LAL and names that exercise the normalizer", () => {
    const byLookup = new Map(season.players.map((p) => [p.player_lookup, p]));
    expect(byLookup.get("lebronjames")?.team).toBe("LAL");
    expect(season.teamOf("lebronjames", season.simulateThrough)).toBe("LAL");
    expect(byLookup.get("josealvarado")?.name).toBe("José Alvarado");
    expect(byLookup.get("deaaronfox")?.name).toBe("De'Aaron Fox");
    expect(byLookup.get("jarenjacksonjr")?.name).toBe("Jaren Jackson Jr.");
  });
});

describe("schedule", () => {
  it("has 1,230 played games with unique NBA-style ids, plus the postponed originals", () => {
    expect(playedGames(season)).toHaveLength(TOTAL_GAMES);
    expect(season.schedule).toHaveLength(TOTAL_GAMES + season.faults.postponed.length);
    expect(new Set(season.schedule.map((g) => g.game_id)).size).toBe(season.schedule.length);
    for (const g of season.schedule) expect(g.game_id).toMatch(/^00225\d{5}$/);
    expect(nbaGameId(2025, 123)).toBe("0022500123");
    expect(analyticsGameId({ game_date: "2025-01-20", away_team_tricode: "BKN", home_team_tricode: "MIL" })).toBe("20250120_BKN_MIL");
  });

  it("gives every team 82 games, 41 home and 41 away", () => {
    for (const team of season.teams) {
      const home = playedGames(season).filter((g) => g.home_team_tricode === team).length;
      const away = playedGames(season).filter((g) => g.away_team_tricode === team).length;
      expect([team, home, away]).toEqual([team, GAMES_PER_TEAM / 2, GAMES_PER_TEAM / 2]);
    }
  });

  it("never has a team twice on one date (postponed originals included) nor three days in a row", () => {
    const seen = new Set<string>();
    for (const g of season.schedule) {
      for (const t of [g.home_team_tricode, g.away_team_tricode]) {
        const key = `${t}|${g.game_date}`;
        expect(seen.has(key), key).toBe(false);
        seen.add(key);
      }
    }
    let backToBacks = 0;
    for (const team of season.teams) {
      const dates = playedGames(season)
        .filter((g) => g.home_team_tricode === team || g.away_team_tricode === team)
        .map((g) => g.game_date);
      for (let i = 1; i < dates.length; i++) {
        if (daysBetween(dates[i - 1] as string, dates[i] as string) === 1) backToBacks++;
        if (i >= 2) expect(daysBetween(dates[i - 2] as string, dates[i] as string), `${team} ${dates[i]}`).toBeGreaterThan(2);
      }
    }
    // Some back-to-backs (the real NBA: ~14 per team).
    expect(backToBacks / 30).toBeGreaterThan(8);
    expect(backToBacks / 30).toBeLessThan(20);
  });

  it("spans ~174 days with a 6-day All-Star break and realistic games per day", () => {
    const dates = season.schedule.map((g) => g.game_date);
    expect(dates[0]).toBe(OPTIONS.seasonStart);
    expect(dates.at(-1)! <= season.seasonEnd).toBe(true);
    expect(daysBetween(OPTIONS.seasonStart, season.seasonEnd)).toBe(173);
    expect(season.allStarBreak).toEqual({ from: "2026-02-13", to: "2026-02-18" });
    expect(daysBetween(season.seasonStart, season.allStarBreak.from)).toBe(ALL_STAR_BREAK.firstDay);
    const perDay = groupBy(season.schedule, (g) => g.game_date);
    for (let d = 0; d < ALL_STAR_BREAK.days; d++) expect(perDay.has(addDays(season.allStarBreak.from, d))).toBe(false);
    expect(perDay.has("2026-02-12")).toBe(true);
    expect(perDay.has("2026-02-19")).toBe(true);
    expect(perDay.has("2025-11-27")).toBe(false); // Thanksgiving
    expect(perDay.has("2025-12-24")).toBe(false);
    expect(perDay.get("2025-12-25")).toHaveLength(5);
    expect(perDay.get(OPTIONS.seasonStart)).toHaveLength(2);
    const counts = [...perDay.values()].map((l) => l.length);
    expect(Math.max(...counts)).toBeLessThanOrEqual(15);
    expect(counts.filter((c) => c >= 5 && c <= 12).length / counts.length).toBeGreaterThan(0.85);
  });

  it("game_status is 3 iff on or before simulateThrough and not a postponed original", () => {
    const postponed = postponedIds(season);
    for (const g of season.schedule) {
      const final = g.game_date <= OPTIONS.simulateThrough && !postponed.has(g.game_id);
      expect(g.game_status).toBe(final ? 3 : 1);
    }
  });

  it("postpones 3–5 games: the original is never final, each has a later make-up with a new id", () => {
    const { postponed } = season.faults;
    expect(postponed.length).toBeGreaterThanOrEqual(3);
    expect(postponed.length).toBeLessThanOrEqual(5);
    const byId = new Map(season.schedule.map((g) => [g.game_id, g]));
    const end = generateSeason({ ...OPTIONS, simulateThrough: "2026-06-30" });
    for (const p of postponed) {
      const original = byId.get(p.game_id) as ScheduleRow;
      const makeup = byId.get(p.makeup_game_id) as ScheduleRow;
      expect(original.game_status).toBe(1);
      expect(original.game_date).toBe(p.original_date);
      expect(makeup.game_id).not.toBe(original.game_id);
      expect(makeup.game_date).toBe(p.makeup_date);
      expect(p.makeup_date > p.original_date).toBe(true);
      expect([makeup.home_team_tricode, makeup.away_team_tricode]).toEqual([original.home_team_tricode, original.away_team_tricode]);
      expect(makeup.game_status).toBe(makeup.game_date <= OPTIONS.simulateThrough ? 3 : 1);
      // Still never final, whatever the simulated date.
      expect(end.schedule.find((g) => g.game_id === p.game_id)?.game_status).toBe(1);
    }
  });
});

describe("trades and rosters", () => {
  it("makes 6–10 trades on distinct dates before the deadline", () => {
    expect(season.trades.length).toBeGreaterThanOrEqual(6);
    expect(season.trades.length).toBeLessThanOrEqual(10);
    const dates = season.trades.map((t) => t.effective_date);
    expect([...dates].sort()).toEqual(dates);
    expect(new Set(dates).size).toBe(dates.length);
    for (const d of dates) expect(daysBetween(season.seasonStart, d)).toBeGreaterThanOrEqual(20);
    for (const d of dates) expect(daysBetween(season.seasonStart, d)).toBeLessThanOrEqual(107);
  });

  it("moves the player at the trade date, in teamOf, rosterOn and the box scores", () => {
    for (const t of season.trades) {
      const before = addDays(t.effective_date, -1);
      expect(season.teamOf(t.player_lookup, before)).toBe(t.from_team);
      expect(season.teamOf(t.player_lookup, t.effective_date)).toBe(t.to_team);
      expect(season.rosterOn(before, t.from_team)).toContain(t.player_lookup);
      expect(season.rosterOn(t.effective_date, t.from_team)).not.toContain(t.player_lookup);
      expect(season.rosterOn(t.effective_date, t.to_team)).toContain(t.player_lookup);
      const rows = season.bdlPlayerBoxscores.filter((r) => r.player_lookup === t.player_lookup);
      expect(rows.some((r) => r.team_abbr === t.from_team)).toBe(true);
      expect(rows.some((r) => r.team_abbr === t.to_team)).toBe(true);
      for (const r of rows) expect(r.team_abbr).toBe(r.game_date < t.effective_date ? t.from_team : t.to_team);
    }
    expect(season.teamOf("nosuchplayer", "2026-01-01")).toBeUndefined();
  });
});

describe("box scores", () => {
  it("bdl has every rostered player of both teams for every final game, and nothing else", () => {
    const finals = finalGames(season);
    const bdlByGame = groupBy(season.bdlPlayerBoxscores, (r) => r.game_id);
    expect(bdlByGame.size).toBe(finals.length);
    const problems: string[] = [];
    for (const g of finals) {
      const rows = bdlByGame.get(g.game_id) ?? [];
      for (const team of [g.home_team_tricode, g.away_team_tricode]) {
        const teamRows = rows.filter((r) => r.team_abbr === team);
        const expected = [...season.rosterOn(g.game_date, team)].sort().join();
        if (teamRows.map((r) => r.player_lookup).sort().join() !== expected) problems.push(`${g.game_id} ${team}: roster`);
        const dnp = teamRows.filter((r) => r.minutes === "0:00").length;
        if (dnp < 1 || dnp > 3) problems.push(`${g.game_id} ${team}: ${dnp} DNP`);
        // 5 players × 48 min, plus 5 × 5 min per overtime.
        const total = teamRows.reduce((acc, r) => acc + secondsOf(r.minutes), 0);
        if (total < 14_400 || (total - 14_400) % 1500 !== 0) problems.push(`${g.game_id} ${team}: ${total} s played`);
      }
      for (const r of rows) {
        if (!/^\d{1,2}:[0-5]\d$/.test(r.minutes)) problems.push(`${g.game_id} ${r.player_lookup}: minutes ${r.minutes}`);
        if (r.game_date !== g.game_date || r.season_year !== 2025) problems.push(`${g.game_id} ${r.player_lookup}: date/season`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("every PGS row's player played per bdl (same team), and only the missing pairs lack one", () => {
    const bdl = new Map(season.bdlPlayerBoxscores.map((r) => [`${r.game_id}|${r.player_lookup}`, r]));
    const pgsKeys = new Set<string>();
    const problems: string[] = [];
    for (const r of season.playerGameSummary) {
      const key = `${r.game_id}|${r.player_lookup}`;
      const raw = bdl.get(key);
      if (!raw || raw.minutes === "0:00") problems.push(`${key}: no bdl minutes`);
      else if (raw.team_abbr !== r.team_abbr) problems.push(`${key}: team ${r.team_abbr} vs bdl ${raw.team_abbr}`);
      else if (Math.abs(r.minutes_played - secondsOf(raw.minutes) / 60) > 0.05 + 1e-9) problems.push(`${key}: minutes`);
      if (!(r.minutes_played > 0) || Math.round(r.minutes_played * 10) / 10 !== r.minutes_played) problems.push(`${key}: minutes_played ${r.minutes_played}`);
      if (r.universal_player_id !== `${r.player_lookup}_001`) problems.push(`${key}: universal id`);
      if (r.opponent_team_abbr === r.team_abbr) problems.push(`${key}: opponent`);
      pgsKeys.add(key);
    }
    expect(problems).toEqual([]);
    const playedNoPgs = season.bdlPlayerBoxscores.filter((r) => r.minutes !== "0:00" && !pgsKeys.has(`${r.game_id}|${r.player_lookup}`));
    expect(playedNoPgs.map((r) => `${r.game_id}|${r.player_lookup}`).sort()).toEqual(
      season.faults.missingPlayerRows.map((m) => `${m.game_id}|${m.player_lookup}`).sort(),
    );
    expect(season.faults.missingPlayerRows).toHaveLength(8);
  });

  it("keeps injured players out for their whole stretch of 5–15 games", () => {
    expect(season.injuries.length).toBeGreaterThanOrEqual(20);
    for (const inj of season.injuries) {
      expect(inj.games).toBeGreaterThanOrEqual(5);
      expect(inj.games).toBeLessThanOrEqual(15);
      const games = playedGames(season).filter(
        (g) => (g.home_team_tricode === inj.team || g.away_team_tricode === inj.team) && g.game_date >= inj.from && g.game_date <= inj.to,
      );
      expect(games).toHaveLength(inj.games);
      const rows = season.bdlPlayerBoxscores.filter((r) => r.player_lookup === inj.player_lookup && r.game_date >= inj.from && r.game_date <= inj.to);
      expect(rows.length).toBe(games.filter((g) => g.game_status === 3).length);
      for (const r of rows) expect(r.minutes).toBe("0:00");
    }
  });

  it("has exactly 2 TDGS rows per final game, landing the next morning unless in an outage or late", () => {
    const tdgsByGame = groupBy(season.teamDefenseGameSummary, (r) => r.game_id);
    const outage = new Map(season.faults.outages.flatMap((o) => o.gameIds.map((id) => [id, o] as const)));
    const late = new Map(season.faults.lateGames.map((l) => [l.game_id, l]));
    const pgsByGame = groupBy(season.playerGameSummary, (r) => r.game_id);
    const bdlByGame = groupBy(season.bdlPlayerBoxscores, (r) => r.game_id);
    expect(tdgsByGame.size).toBe(finalGames(season).length);
    const problems: string[] = [];
    for (const g of finalGames(season)) {
      const rows = tdgsByGame.get(g.game_id) ?? [];
      const pairs = rows.map((r) => `${r.defending_team_abbr}>${r.opponent_team_abbr}`).sort().join();
      const expected = [`${g.home_team_tricode}>${g.away_team_tricode}`, `${g.away_team_tricode}>${g.home_team_tricode}`].sort().join();
      if (pairs !== expected) problems.push(`${g.game_id}: TDGS ${pairs}`);
      const all = [...rows, ...(pgsByGame.get(g.game_id) ?? []), ...(bdlByGame.get(g.game_id) ?? [])].map((r) => msOf(r.processed_at));
      const o = outage.get(g.game_id);
      const l = late.get(g.game_id);
      const nextDay = addDays(g.game_date, 1);
      const [lo, hi] = o
        ? [msOf(o.early?.gameIds.includes(g.game_id) ? o.early.backfilledAt : o.backfilledAt), Infinity]
        : l
          ? [at(addDays(nextDay, l.daysLate), 6), at(addDays(nextDay, l.daysLate), 9)]
          : [at(nextDay, 6), at(nextDay, 9)];
      if (all.some((t) => t < lo || t >= hi)) problems.push(`${g.game_id}: processed_at outside its window`);
      if (l && Math.min(...all) !== msOf(l.processed_at)) problems.push(`${g.game_id}: late processed_at`);
    }
    expect(problems).toEqual([]);
  });

  it("writes canonical UTC timestamps", () => {
    for (const r of season.teamDefenseGameSummary) expect(r.processed_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });
});

describe("fault calendar", () => {
  it("has a December outage of 3–4 game days around days 45–52, backfilled 9–12 days later", () => {
    const dec = season.faults.outages.find((o) => o.kind === "december");
    expect(dec).toBeDefined();
    if (!dec) return;
    expect(daysBetween(season.seasonStart, dec.from)).toBeGreaterThanOrEqual(45);
    expect(daysBetween(season.seasonStart, dec.to)).toBeLessThanOrEqual(54);
    const dates = [...new Set(finalGames(season).filter((g) => g.game_date >= dec.from && g.game_date <= dec.to).map((g) => g.game_date))];
    expect(dates.length).toBeGreaterThanOrEqual(3);
    expect(dates.length).toBeLessThanOrEqual(4);
    expect(dec.gameIds.sort()).toEqual(finalGames(season).filter((g) => dates.includes(g.game_date)).map((g) => g.game_id).sort());
    const lag = daysBetween(dec.from, dec.backfilledAt.slice(0, 10));
    expect(lag).toBeGreaterThanOrEqual(9);
    expect(lag).toBeLessThanOrEqual(12);
    // Wide impact: nearly every team lost at least one game.
    const teams = new Set(finalGames(season).filter((g) => dec.gameIds.includes(g.game_id)).flatMap((g) => [g.home_team_tricode, g.away_team_tricode]));
    expect(teams.size).toBeGreaterThanOrEqual(25);
  });

  it("has a recent outage whose earlier dates land on the afternoon of the last simulated day, the rest after the last observable day", () => {
    const recent = season.faults.outages.find((o) => o.kind === "recent");
    expect(recent).toBeDefined();
    if (!recent?.early) throw new Error("the recent outage has no early backfill");
    expect(recent.to <= addDays(OPTIONS.simulateThrough, -3)).toBe(true);
    expect(recent.from >= addDays(OPTIONS.simulateThrough, -12)).toBe(true);
    expect(msOf(recent.backfilledAt)).toBeGreaterThanOrEqual(at(addDays(OPTIONS.simulateThrough, 2), 0));
    const dateOf = new Map(finalGames(season).map((g) => [g.game_id, g.game_date]));
    const dates = [...new Set(recent.gameIds.map((id) => dateOf.get(id)!))].sort();
    expect(dates.length).toBeGreaterThanOrEqual(2);
    expect(dates.length).toBeLessThanOrEqual(3);
    // The early part: every game of the first ⌈n/2⌉ dates, and nothing else.
    const earlyDates = dates.slice(0, Math.ceil(dates.length / 2));
    expect([...recent.early.gameIds].sort()).toEqual(recent.gameIds.filter((id) => earlyDates.includes(dateOf.get(id)!)).sort());
    expect(recent.early.gameIds.length).toBeGreaterThan(0);
    expect(recent.early.gameIds.length).toBeLessThan(recent.gameIds.length);
    const earlyAt = msOf(recent.early.backfilledAt);
    expect(earlyAt).toBeGreaterThanOrEqual(at(OPTIONS.simulateThrough, 12));
    expect(earlyAt).toBeLessThan(at(OPTIONS.simulateThrough, 15));
    const early = new Set(recent.early.gameIds);
    const rows = [...season.playerGameSummary, ...season.teamDefenseGameSummary, ...season.bdlPlayerBoxscores].filter((r) => recent.gameIds.includes(r.game_id));
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      // Nothing of the outage before its own backfill; the late part after the last observable day.
      if (early.has(r.game_id)) expect(msOf(r.processed_at)).toBeGreaterThanOrEqual(earlyAt);
      else expect(r.processed_at > `${addDays(OPTIONS.simulateThrough, 1)}T23:59:59.999Z`).toBe(true);
    }
  });

  it("makes ~2% of the other final games 2–4 days late", () => {
    const inOutage = new Set(season.faults.outages.flatMap((o) => o.gameIds));
    const eligible = finalGames(season).filter((g) => !inOutage.has(g.game_id)).length;
    const { lateGames } = season.faults;
    expect(lateGames.length / eligible).toBeGreaterThan(0.005);
    expect(lateGames.length / eligible).toBeLessThan(0.04);
    for (const l of lateGames) {
      expect(inOutage.has(l.game_id)).toBe(false);
      expect(l.daysLate).toBeGreaterThanOrEqual(2);
      expect(l.daysLate).toBeLessThanOrEqual(4);
    }
  });

  it("skips the recent outage early in the season and says so", () => {
    const early = generateSeason({ ...OPTIONS, simulateThrough: "2025-11-20" });
    expect(early.faults.outages).toEqual([]);
    expect(early.faults.notes.join(" ")).toMatch(/Recent outage skipped/);
    expect(early.faults.notes.join(" ")).toMatch(/December outage .* skipped/);
  });

  it("produces no box scores before opening night, and a complete season after it", () => {
    const before = generateSeason({ ...OPTIONS, simulateThrough: "2025-10-01" });
    expect(before.schedule.every((g) => g.game_status === 1)).toBe(true);
    expect(before.bdlPlayerBoxscores).toEqual([]);
    expect(before.faults.missingPlayerRows).toEqual([]);
    const after = generateSeason({ ...OPTIONS, simulateThrough: "2026-04-20" });
    expect(finalGames(after)).toHaveLength(TOTAL_GAMES);
    expect(after.teamDefenseGameSummary).toHaveLength(2 * TOTAL_GAMES);
    expect(after.faults.outages.map((o) => o.kind)).toEqual(["december", "recent"]);
  });

  it("works for a shifted season start", () => {
    const shifted = generateSeason({ seed: 9, seasonStart: "2025-12-02", seasonYear: 2025, simulateThrough: "2026-03-01" });
    expect(playedGames(shifted)).toHaveLength(TOTAL_GAMES);
    expect(shifted.faults.outages.map((o) => o.kind)).toEqual(["december", "recent"]);
  });
});
