/**
 * The simulated NBA regular season behind the demo data: a schedule,
 * rosters with trades and injuries, the upstream box-score tables, and realistic faults.
 * The demo loader inserts these rows and runs the real completeness and breaker logic over
 * them night by night, filtering rows by `processed_at`, so every page shows something true.
 *
 * Pure: no I/O, no clock (no Date.now()), no Math.random. The same options give the same
 * output, deep-equal, on every machine. All dates are "YYYY-MM-DD" strings and all timestamps
 * "YYYY-MM-DDTHH:mm:ss.sssZ"; arithmetic is done in whole UTC days (lib/completeness/dates).
 *
 * GAME IDS — one id per game, everywhere. Every row, in the schedule AND in
 * player_game_summary, team_defense_game_summary and bdl_player_boxscores, carries the
 * NBA.com-style schedule id (`002YY#####`, e.g. 0022500123). The production analytics tables
 * use `YYYYMMDD_AWAY_HOME`, but the completeness SQL
 * (sql/completeness/*_window_games.sql) joins upstream rows to schedule games by `game_id`, so
 * a second format would make every game look missing. `analyticsGameId()` gives the
 * `YYYYMMDD_AWAY_HOME` form for display only.
 *
 * Invariants (checked in season.test.ts):
 * - 30 teams × 82 games = 1,230 played games; 41 home and 41 away per team; no team plays
 *   twice on one date; no games during the 6-day All-Star break (days 115–120 after opening
 *   night; Feb 13–18 for the real 2025-26 start of 2025-10-21), on Thanksgiving or Dec 24.
 * - A postponed game keeps its row (original date, game_status 1 forever) and is replayed as
 *   a make-up game with a new game_id later; the 1,230 played games count the make-up only.
 * - game_status = 3 iff game_date ≤ simulateThrough and the row is not a postponed original;
 *   otherwise 1. Box scores exist only for final games.
 * - bdl_player_boxscores: one row per rostered player of both teams; "0:00" for DNP/inactive
 *   (1–3 per team per game). player_game_summary: one row per player who played (minutes > 0 in
 *   bdl), except the permanently missing pairs. team_defense_game_summary: two rows per game.
 * - processed_at: the morning after the game (06:00–09:00 UTC) unless the game is in an outage
 *   (then after the backfill) or late (then 2–4 days later). Rows arriving after
 *   simulateThrough are still generated: the loader filters by processed_at.
 */
import { type IsoDate, addDays, dayOfWeek, daysBetween, monthOf, toEpochDay, toIsoInstant } from "../completeness/dates";
import {
  EASTERN_CONFERENCE,
  FEATURED_PLAYERS,
  FIRST_NAMES,
  LAST_NAMES,
  TEAM_TRICODES,
  type TeamTricode,
  WESTERN_CONFERENCE,
} from "./names";
import { type Rng, rngFor } from "./random";

// ---------------------------------------------------------------------------------------------
// Constants

/** Regular season length in days, opening night = day 0 (2025-10-21 … 2026-04-12). */
export const SEASON_DAYS = 174;
export const GAMES_PER_TEAM = 82;
/** Played games: 30 × 82 / 2. Postponed originals come on top of these rows. */
export const TOTAL_GAMES = 1230;
export const ROSTER_SIZE = 15;
/** All-Star break: no games on days [firstDay, firstDay + days − 1] after opening night. */
export const ALL_STAR_BREAK = { firstDay: 115, days: 6 } as const;

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Row types: field names are exactly the DB column names (sql/schema/*.sql), so rows are
// inserted as they are.

/** nba_raw.nbac_schedule */
export interface ScheduleRow {
  game_id: string;
  game_date: IsoDate;
  season_year: number;
  /** 1 scheduled (also: postponed original, forever), 3 final. 2 (in progress) is never produced. */
  game_status: 1 | 3;
  home_team_tricode: string;
  away_team_tricode: string;
}

/** nba_analytics.player_game_summary */
export interface PgsRow {
  game_id: string;
  game_date: IsoDate;
  season_year: number;
  player_lookup: string;
  universal_player_id: string;
  team_abbr: string;
  opponent_team_abbr: string;
  /** NUMERIC(5,1): minutes with one decimal, always > 0 (only players who played have a row). */
  minutes_played: number;
  processed_at: string;
}

/** nba_analytics.team_defense_game_summary */
export interface TdgsRow {
  game_id: string;
  game_date: IsoDate;
  season_year: number;
  defending_team_abbr: string;
  opponent_team_abbr: string;
  processed_at: string;
}

/** nba_raw.bdl_player_boxscores */
export interface BdlRow {
  game_id: string;
  game_date: IsoDate;
  season_year: number;
  player_lookup: string;
  team_abbr: string;
  /** "M:SS" as the source writes it ("34:12", "7:05"); "0:00" for DNP / inactive. */
  minutes: string;
  processed_at: string;
}

// ---------------------------------------------------------------------------------------------
// Metadata types

export interface DemoPlayer {
  player_lookup: string;
  universal_player_id: string;
  name: string;
  /** Team on opening night (see `trades` and `teamOf` for later dates). */
  team: string;
}

/** From `effective_date` on (inclusive), the player's games are `to_team`'s. */
export interface Trade {
  player_lookup: string;
  from_team: string;
  to_team: string;
  effective_date: IsoDate;
}

/** A player out for `games` consecutive team games, `from`–`to` (dates of the first and last missed game). */
export interface Injury {
  player_lookup: string;
  team: string;
  from: IsoDate;
  to: IsoDate;
  games: number;
}

export interface Outage {
  /** `december`: the multi-day box-score scraper outage; `recent`: ongoing at simulateThrough. */
  kind: "december" | "recent";
  /** First and last game date whose box scores were lost. */
  from: IsoDate;
  to: IsoDate;
  /** When the (last) backfill loaded the rows (bdl rows; PGS and TDGS land minutes later). */
  backfilledAt: string;
  /** Final games of those dates: none of their rows exists before `backfilledAt` (the early part: before `early.backfilledAt`). */
  gameIds: string[];
  /**
   * A first, partial backfill that loaded the games of the outage's earlier dates before the
   * rest (the recent outage: on the afternoon of simulateThrough, so the morning after holds
   * tripped keys whose data is back beside keys still missing theirs). Absent: one backfill.
   */
  early?: { backfilledAt: string; gameIds: string[] };
}

export interface LateGame {
  game_id: string;
  game_date: IsoDate;
  /** Earliest processed_at of the game's rows (bdl); nothing of the game lands before it. */
  processed_at: string;
  daysLate: number;
}

export interface MissingPlayerRow {
  player_lookup: string;
  game_id: string;
  game_date: IsoDate;
  team_abbr: string;
}

export interface Postponement {
  /** The original row: stays on `original_date` with game_status 1 forever. */
  game_id: string;
  original_date: IsoDate;
  makeup_game_id: string;
  makeup_date: IsoDate;
  home_team_tricode: string;
  away_team_tricode: string;
}

export interface SeasonFaults {
  outages: Outage[];
  lateGames: LateGame[];
  /** (player, game) pairs where bdl shows minutes but player_game_summary never gets the row. */
  missingPlayerRows: MissingPlayerRow[];
  postponed: Postponement[];
  /** Faults skipped or cut short, and why (e.g. the season has not progressed far enough). */
  notes: string[];
}

export interface SeasonOptions {
  seed: number;
  /** Opening night, "YYYY-MM-DD" (the real one, or shifted so the demo's "today" is mid-season). */
  seasonStart: IsoDate;
  /** 2025 = the 2025-26 season. */
  seasonYear: number;
  /** Last simulated day, inclusive (the loader's "yesterday"). */
  simulateThrough: IsoDate;
}

/** Everything except the two lookup functions: plain, serializable data. */
export interface SimulatedSeasonData {
  seasonYear: number;
  seasonStart: IsoDate;
  /** Last day of the regular season (seasonStart + SEASON_DAYS − 1). */
  seasonEnd: IsoDate;
  simulateThrough: IsoDate;
  allStarBreak: { from: IsoDate; to: IsoDate };
  teams: string[];
  players: DemoPlayer[];
  trades: Trade[];
  injuries: Injury[];
  /** All rows, sorted by (game_date, game_id): 1,230 played games plus the postponed originals. */
  schedule: ScheduleRow[];
  playerGameSummary: PgsRow[];
  teamDefenseGameSummary: TdgsRow[];
  bdlPlayerBoxscores: BdlRow[];
  faults: SeasonFaults;
}

export interface SimulatedSeason extends SimulatedSeasonData {
  /** player_lookups on `team`'s roster on `date` (trades applied), best players first. */
  rosterOn(date: IsoDate, team: string): string[];
  /** The player's team on `date` (trades applied); undefined for an unknown player. */
  teamOf(player: string, date: IsoDate): string | undefined;
}

// ---------------------------------------------------------------------------------------------
// Small exported helpers

/**
 * player_lookup of a display name (the pipeline's `normalize_name_for_lookup`): lowercase;
 * strip diacritics (NFD, drop combining marks); remove spaces - ' . , _; drop anything else
 * that is not [a-z0-9]. "José Alvarado" → josealvarado, "De'Aaron Fox" → deaaronfox.
 */
export function normalizePlayerLookup(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[\s\-'.,_]/g, "")
    .replace(/[^a-z0-9]/g, "");
}

/** `${player_lookup}_001`: the demo's universal_player_id (one id per player). */
export function universalPlayerId(playerLookup: string): string {
  return `${playerLookup}_001`;
}

/** NBA.com-style game id: `002` + 2-digit season year + 5-digit sequence (0022500123). */
export function nbaGameId(seasonYear: number, sequence: number): string {
  return `002${String(seasonYear % 100).padStart(2, "0")}${String(sequence).padStart(5, "0")}`;
}

/** The analytics-style id `YYYYMMDD_AWAY_HOME` of a schedule row, for display only (see header). */
export function analyticsGameId(game: Pick<ScheduleRow, "game_date" | "home_team_tricode" | "away_team_tricode">): string {
  return `${game.game_date.replaceAll("-", "")}_${game.away_team_tricode}_${game.home_team_tricode}`;
}

// ---------------------------------------------------------------------------------------------
// Players

interface PlayerInternal extends DemoPlayer {
  /** 0 = best player of the opening-night roster … 14 = last man on the bench. */
  tier: number;
}

/** 15 players per team: the featured real players first, then invented names (unique lookups). */
function buildPlayers(rng: Rng): PlayerInternal[] {
  const taken = new Set<string>();
  const players: PlayerInternal[] = [];
  const add = (name: string, team: TeamTricode, tier: number): boolean => {
    const lookup = normalizePlayerLookup(name);
    if (lookup === "" || taken.has(lookup)) return false;
    taken.add(lookup);
    players.push({ player_lookup: lookup, universal_player_id: universalPlayerId(lookup), name, team, tier });
    return true;
  };
  for (const team of TEAM_TRICODES) {
    let tier = 0;
    for (const name of FEATURED_PLAYERS[team]) {
      if (!add(name, team, tier)) throw new Error(`Duplicate featured player lookup: ${name}`);
      tier++;
    }
    while (tier < ROSTER_SIZE) {
      const suffix = rng.chance(0.05) ? " Jr." : "";
      if (add(`${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}${suffix}`, team, tier)) tier++;
    }
  }
  return players;
}

// ---------------------------------------------------------------------------------------------
// Schedule

interface Matchup {
  home: number;
  away: number;
}

interface PlacedGame extends Matchup {
  day: number;
}

/**
 * The season's 1,230 matchups. Every pair of teams meets home-and-away (2 games); conference
 * rivals meet 4 times (2 + 2), except that each team meets two of its 14 conference rivals only
 * twice (the two neighbours on a random 15-cycle). Per team: 12×4 + 2×2 + 15×2 = 82. Every pair's
 * games are split evenly between the two arenas, so 41 home / 41 away holds by construction.
 */
function buildMatchups(rng: Rng): Matchup[] {
  const index = new Map<string, number>(TEAM_TRICODES.map((t, i) => [t, i]));
  const conference = new Int8Array(TEAM_TRICODES.length);
  const lighter = new Set<number>();
  const pairKey = (a: number, b: number) => (a < b ? a * 64 + b : b * 64 + a);
  [EASTERN_CONFERENCE, WESTERN_CONFERENCE].forEach((teams, c) => {
    const cycle = rng.shuffle(teams).map((t) => index.get(t) as number);
    cycle.forEach((t, k) => {
      conference[t] = c;
      lighter.add(pairKey(t, cycle[(k + 1) % cycle.length] as number));
    });
  });
  const out: Matchup[] = [];
  for (let i = 0; i < TEAM_TRICODES.length; i++) {
    for (let j = i + 1; j < TEAM_TRICODES.length; j++) {
      const meetings = conference[i] === conference[j] && !lighter.has(pairKey(i, j)) ? 4 : 2;
      for (let r = 0; r < meetings / 2; r++) out.push({ home: i, away: j }, { home: j, away: i });
    }
  }
  return out;
}

/** Relative game volume by weekday (Sun…Sat): busy Wednesdays and Fridays, lighter Tue/Thu (TV nights). */
const WEEKDAY_WEIGHT = [0.95, 1.0, 0.8, 1.35, 0.7, 1.3, 1.05] as const;

interface SeasonCalendarDays {
  dates: IsoDate[];
  /** No games: All-Star break, Thanksgiving, Christmas Eve. */
  blackout: boolean[];
  /** Fixed game counts: opening night 2, Christmas Day 5. */
  fixed: (number | undefined)[];
  weight: number[];
}

function seasonDays(seasonStart: IsoDate): SeasonCalendarDays {
  const dates: IsoDate[] = [];
  const blackout: boolean[] = [];
  const fixed: (number | undefined)[] = [];
  const weight: number[] = [];
  for (let d = 0; d < SEASON_DAYS; d++) {
    const date = addDays(seasonStart, d);
    const dow = dayOfWeek(date);
    const dom = Number(date.slice(8, 10));
    const allStar = d >= ALL_STAR_BREAK.firstDay && d < ALL_STAR_BREAK.firstDay + ALL_STAR_BREAK.days;
    const thanksgiving = monthOf(date) === 11 && dow === 4 && dom >= 22 && dom <= 28;
    const christmasEve = date.slice(5) === "12-24";
    dates.push(date);
    blackout.push(allStar || thanksgiving || christmasEve);
    fixed.push(d === 0 ? 2 : date.slice(5) === "12-25" ? 5 : undefined);
    weight.push(WEEKDAY_WEIGHT[dow] ?? 1);
  }
  return { dates, blackout, fixed, weight };
}

/** Occupancy grid: busy[team * SEASON_DAYS + day] = 1 when the team plays that day. */
class Occupancy {
  readonly busy = new Uint8Array(TEAM_TRICODES.length * SEASON_DAYS);
  readonly perDay = new Uint8Array(SEASON_DAYS);
  plays(team: number, day: number): boolean {
    return day >= 0 && day < SEASON_DAYS && this.busy[team * SEASON_DAYS + day] === 1;
  }
  /** Playing `day` would make three days in a row for `team` (the NBA never schedules that). */
  wouldTriple(team: number, day: number): boolean {
    const p = (d: number) => this.plays(team, d);
    return (p(day - 1) && p(day - 2)) || (p(day - 1) && p(day + 1)) || (p(day + 1) && p(day + 2));
  }
  free(m: Matchup, day: number): boolean {
    return !this.plays(m.home, day) && !this.plays(m.away, day);
  }
  place(m: Matchup, day: number): void {
    this.busy[m.home * SEASON_DAYS + day] = 1;
    this.busy[m.away * SEASON_DAYS + day] = 1;
    this.perDay[day] = (this.perDay[day] ?? 0) + 1;
  }
}

/**
 * Puts the matchups on days: greedy day filling. Each playable day gets a target count (weekday
 * weight × the pace still needed, with noise, capped at 15), then takes the best-scoring
 * matchups whose teams are both free: teams behind the league's pace first (so nobody runs
 * out of dates late in the season), back-to-backs mildly penalized (the weight is tuned to give
 * ~13–14 per team, like the real NBA), three days in a row never, the same two teams not again
 * within a week if avoidable. A repair pass places what is left on any legal day. Deterministic and O(days ×
 * matchups): a few milliseconds.
 */
function placeGames(matchups: readonly Matchup[], cal: SeasonCalendarDays, occ: Occupancy, rng: Rng): PlacedGame[] {
  const nTeams = TEAM_TRICODES.length;
  const remaining = new Int32Array(nTeams);
  for (const m of matchups) {
    remaining[m.home] = (remaining[m.home] ?? 0) + 1;
    remaining[m.away] = (remaining[m.away] ?? 0) + 1;
  }
  const used = new Uint8Array(matchups.length);
  const lastMet = new Int32Array(nTeams * nTeams).fill(-100);
  let left = matchups.length;
  const placed: PlacedGame[] = [];

  // Weight of the playable days from d to the end, for the pace.
  const weightFrom = new Array<number>(SEASON_DAYS + 1).fill(0);
  for (let d = SEASON_DAYS - 1; d >= 0; d--) {
    weightFrom[d] = (weightFrom[d + 1] ?? 0) + (cal.blackout[d] ? 0 : (cal.weight[d] ?? 1));
  }

  const put = (i: number, day: number) => {
    const m = matchups[i] as Matchup;
    used[i] = 1;
    left--;
    remaining[m.home] = (remaining[m.home] ?? 0) - 1;
    remaining[m.away] = (remaining[m.away] ?? 0) - 1;
    lastMet[m.home * nTeams + m.away] = day;
    lastMet[m.away * nTeams + m.home] = day;
    occ.place(m, day);
    placed.push({ ...m, day });
  };

  const scores = new Float64Array(matchups.length);
  for (let day = 0; day < SEASON_DAYS && left > 0; day++) {
    if (cal.blackout[day]) continue;
    const pace = ((cal.weight[day] ?? 1) * left) / Math.max(1e-9, weightFrom[day] ?? 1);
    const target = Math.min(15, Math.max(1, cal.fixed[day] ?? Math.round(pace + rng.float(-1.5, 1.5))));
    // Average games still to play per team: a team above it is behind the pace.
    const avgRemaining = (2 * left) / nTeams;
    const candidates: number[] = [];
    for (let i = 0; i < matchups.length; i++) {
      if (used[i]) continue;
      const m = matchups[i] as Matchup;
      if (occ.wouldTriple(m.home, day) || occ.wouldTriple(m.away, day)) continue;
      let s = (remaining[m.home] ?? 0) - avgRemaining + ((remaining[m.away] ?? 0) - avgRemaining);
      if (occ.plays(m.home, day - 1)) s -= 0.15;
      if (occ.plays(m.away, day - 1)) s -= 0.15;
      if (day - (lastMet[m.home * nTeams + m.away] ?? -100) < 7) s -= 2;
      scores[i] = s + rng.float(0, 1.5);
      candidates.push(i);
    }
    candidates.sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0) || a - b);
    let count = 0;
    for (const i of candidates) {
      if (count >= target) break;
      if (!occ.free(matchups[i] as Matchup, day)) continue;
      put(i, day);
      count++;
    }
  }

  // Repair: whatever the greedy pass could not fit goes on a random legal day (both teams
  // free, under 15 games, no third day in a row). The last rule is dropped only when no such
  // day exists, which happens for about 1 seed in 200 (a couple of 3-in-a-row stretches);
  // the hard invariants (82 games, 41/41, one game per team per day) always hold.
  for (let i = 0; i < matchups.length; i++) {
    if (used[i]) continue;
    const m = matchups[i] as Matchup;
    const legal = (strict: boolean) => {
      const days: number[] = [];
      for (let d = 1; d < SEASON_DAYS; d++) {
        if (cal.blackout[d] || cal.fixed[d] !== undefined || (occ.perDay[d] ?? 0) >= 15 || !occ.free(m, d)) continue;
        if (strict && (occ.wouldTriple(m.home, d) || occ.wouldTriple(m.away, d))) continue;
        days.push(d);
      }
      return days;
    };
    const days = legal(true);
    const options = days.length > 0 ? days : legal(false);
    if (options.length === 0) throw new Error("demo schedule: no legal day left for a matchup");
    put(i, rng.pick(options));
  }
  return placed;
}

interface Schedule {
  rows: ScheduleRow[];
  postponed: Postponement[];
  /** Per team: its played games (not postponed originals), by date. */
  teamGames: Map<string, ScheduleRow[]>;
}

/**
 * The schedule rows. Played games are numbered 1…1,230 in date order; postponed originals keep
 * their number, make-ups get new numbers from 1,231 on (the original row keeps its id and stays status 1).
 */
function buildSchedule(opts: SeasonOptions, cal: SeasonCalendarDays): Schedule {
  const rng = rngFor(opts.seed, "schedule");
  const occ = new Occupancy();
  const placed = placeGames(buildMatchups(rng), cal, occ, rng);
  // Stable sort by day keeps the placement order inside a day (the numbering is deterministic).
  placed.sort((a, b) => a.day - b.day);
  const status = (date: IsoDate): 1 | 3 => (date <= opts.simulateThrough ? 3 : 1);
  const rows: ScheduleRow[] = placed.map((g, i) => {
    const date = cal.dates[g.day] as IsoDate;
    return {
      game_id: nbaGameId(opts.seasonYear, i + 1),
      game_date: date,
      season_year: opts.seasonYear,
      game_status: status(date),
      home_team_tricode: TEAM_TRICODES[g.home] as string,
      away_team_tricode: TEAM_TRICODES[g.away] as string,
    };
  });

  // Postponements (weather, arena problems): 3–5 games between day 12 and day 140, at most one
  // per team and per date. The make-up goes on a later legal day, 10–50 days after if possible.
  const prng = rngFor(opts.seed, "postponements");
  const wanted = prng.int(3, 5);
  const postponed: Postponement[] = [];
  const teamsHit = new Set<number>();
  const datesHit = new Set<number>();
  const pool = prng.shuffle(placed.map((g, i) => ({ g, i })).filter(({ g }) => g.day >= 12 && g.day <= 140));
  const chosen: { i: number; makeupDay: number }[] = [];
  for (const { g, i } of pool) {
    if (chosen.length >= wanted) break;
    if (teamsHit.has(g.home) || teamsHit.has(g.away) || datesHit.has(g.day) || cal.fixed[g.day] !== undefined) continue;
    const legal = (lo: number, hi: number) => {
      const days: number[] = [];
      for (let d = lo; d <= Math.min(hi, SEASON_DAYS - 1); d++) {
        if (cal.blackout[d] || cal.fixed[d] !== undefined || (occ.perDay[d] ?? 0) >= 15 || !occ.free(g, d)) continue;
        if (occ.wouldTriple(g.home, d) || occ.wouldTriple(g.away, d)) continue;
        days.push(d);
      }
      return days;
    };
    const near = legal(g.day + 10, g.day + 50);
    const options = near.length > 0 ? near : legal(g.day + 1, SEASON_DAYS - 1);
    if (options.length === 0) continue;
    const makeupDay = prng.pick(options);
    // The original day stays occupied: its row is still in the schedule (status 1).
    occ.place(g, makeupDay);
    teamsHit.add(g.home).add(g.away);
    datesHit.add(g.day);
    chosen.push({ i, makeupDay });
  }
  // Make-ups are numbered after the 1,230 in their date order.
  chosen.sort((a, b) => a.makeupDay - b.makeupDay || a.i - b.i);
  chosen.forEach(({ i, makeupDay }, k) => {
    const original = rows[i] as ScheduleRow;
    original.game_status = 1;
    const makeupDate = cal.dates[makeupDay] as IsoDate;
    const makeup: ScheduleRow = { ...original, game_id: nbaGameId(opts.seasonYear, placed.length + 1 + k), game_date: makeupDate, game_status: status(makeupDate) };
    rows.push(makeup);
    postponed.push({
      game_id: original.game_id,
      original_date: original.game_date,
      makeup_game_id: makeup.game_id,
      makeup_date: makeupDate,
      home_team_tricode: original.home_team_tricode,
      away_team_tricode: original.away_team_tricode,
    });
  });
  rows.sort(byDateThenId);
  postponed.sort((a, b) => (a.original_date < b.original_date ? -1 : a.original_date > b.original_date ? 1 : 0));

  const postponedIds = new Set(postponed.map((p) => p.game_id));
  const teamGames = new Map<string, ScheduleRow[]>(TEAM_TRICODES.map((t) => [t, []]));
  for (const r of rows) {
    if (postponedIds.has(r.game_id)) continue;
    teamGames.get(r.home_team_tricode)?.push(r);
    teamGames.get(r.away_team_tricode)?.push(r);
  }
  return { rows, postponed, teamGames };
}

function byDateThenId(a: { game_date: string; game_id: string }, b: { game_date: string; game_id: string }): number {
  if (a.game_date !== b.game_date) return a.game_date < b.game_date ? -1 : 1;
  return a.game_id < b.game_id ? -1 : a.game_id > b.game_id ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Rosters, trades, injuries

/**
 * 6–10 trades before the trade deadline (about day 107, early February), one per date, spread
 * evenly: the season is cut into as many segments and each trade falls in its own. Each moves
 * one rotation or bench player (tier 2–13; never lebronjames, kept on LAL for the demo) from a
 * team with more than 13 players to a different team with fewer than 17.
 */
function buildTrades(opts: SeasonOptions, players: readonly PlayerInternal[]): Trade[] {
  const rng = rngFor(opts.seed, "trades");
  const count = rng.int(6, 10);
  const first = 20;
  const last = 107;
  const span = (last - first + 1) / count;
  const size = new Map<string, number>(TEAM_TRICODES.map((t) => [t, ROSTER_SIZE]));
  const traded = new Set<string>();
  const trades: Trade[] = [];
  for (let k = 0; k < count; k++) {
    const day = first + Math.floor(k * span) + rng.int(0, Math.max(0, Math.floor(span) - 1));
    for (let attempt = 0; attempt < 100; attempt++) {
      const p = rng.pick(players);
      if (p.tier < 2 || p.tier > 13 || p.player_lookup === "lebronjames" || traded.has(p.player_lookup)) continue;
      if ((size.get(p.team) ?? 0) <= 13) continue;
      const to = rng.pick(TEAM_TRICODES.filter((t) => t !== p.team && (size.get(t) ?? 0) < 17));
      traded.add(p.player_lookup);
      size.set(p.team, (size.get(p.team) ?? 0) - 1);
      size.set(to, (size.get(to) ?? 0) + 1);
      trades.push({ player_lookup: p.player_lookup, from_team: p.team, to_team: to, effective_date: addDays(opts.seasonStart, day) });
      break;
    }
  }
  return trades;
}

interface Rosters {
  teamOf(player: string, date: IsoDate): string | undefined;
  rosterOn(date: IsoDate, team: string): string[];
}

function buildRosters(players: readonly PlayerInternal[], trades: readonly Trade[]): Rosters {
  const byLookup = new Map(players.map((p) => [p.player_lookup, p]));
  const tradesOf = new Map<string, Trade[]>();
  // Everyone who is ever on a team's roster: the opening-night players plus the traded-in ones.
  const everOn = new Map<string, Set<string>>(TEAM_TRICODES.map((t) => [t, new Set<string>()]));
  for (const p of players) everOn.get(p.team)?.add(p.player_lookup);
  for (const t of [...trades].sort((a, b) => (a.effective_date < b.effective_date ? -1 : a.effective_date > b.effective_date ? 1 : 0))) {
    const list = tradesOf.get(t.player_lookup) ?? [];
    list.push(t);
    tradesOf.set(t.player_lookup, list);
    everOn.get(t.to_team)?.add(t.player_lookup);
  }
  const teamOf = (player: string, date: IsoDate): string | undefined => {
    const p = byLookup.get(player);
    if (!p) return undefined;
    let team = p.team;
    for (const t of tradesOf.get(player) ?? []) if (t.effective_date <= date) team = t.to_team;
    return team;
  };
  const rosterOn = (date: IsoDate, team: string): string[] =>
    [...(everOn.get(team) ?? [])]
      .filter((lookup) => teamOf(lookup, date) === team)
      .sort((a, b) => (byLookup.get(a)?.tier ?? 0) - (byLookup.get(b)?.tier ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
  return { teamOf, rosterOn };
}

/**
 * 20–28 injuries, each keeping a never-traded player out for 5–15 consecutive team games, at
 * most one injury per player and at most 2 injured players per team at any game, so the
 * per-game DNP count (injured + rested, 1–3) holds. Drawn on the full schedule, so the injury
 * calendar does not depend on simulateThrough.
 */
function buildInjuries(opts: SeasonOptions, players: readonly PlayerInternal[], trades: readonly Trade[], teamGames: Map<string, ScheduleRow[]>): Injury[] {
  const rng = rngFor(opts.seed, "injuries");
  const traded = new Set(trades.map((t) => t.player_lookup));
  const eligible = players.filter((p) => !traded.has(p.player_lookup) && p.tier <= 12);
  const wanted = rng.int(20, 28);
  const perTeamGameLoad = new Map<string, Int8Array>();
  const injured = new Set<string>();
  const out: Injury[] = [];
  for (let attempt = 0; attempt < 500 && out.length < wanted; attempt++) {
    const p = rng.pick(eligible);
    if (injured.has(p.player_lookup)) continue;
    const games = teamGames.get(p.team) ?? [];
    const len = rng.int(5, 15);
    if (games.length < len) continue;
    const g0 = rng.int(0, games.length - len);
    const load = perTeamGameLoad.get(p.team) ?? new Int8Array(games.length);
    let ok = true;
    for (let g = g0; g < g0 + len; g++) if ((load[g] ?? 0) >= 2) ok = false;
    if (!ok) continue;
    for (let g = g0; g < g0 + len; g++) load[g] = (load[g] ?? 0) + 1;
    perTeamGameLoad.set(p.team, load);
    injured.add(p.player_lookup);
    out.push({
      player_lookup: p.player_lookup,
      team: p.team,
      from: (games[g0] as ScheduleRow).game_date,
      to: (games[g0 + len - 1] as ScheduleRow).game_date,
      games: len,
    });
  }
  return out.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.player_lookup < b.player_lookup ? -1 : 1));
}

// ---------------------------------------------------------------------------------------------
// Faults

/** The distinct dates of `games`, ascending. */
function gameDates(games: readonly ScheduleRow[]): IsoDate[] {
  return [...new Set(games.map((g) => g.game_date))].sort();
}

/** A timestamp on `date` at a random time between `fromHour` and `toHour` (UTC). */
function instantOn(date: IsoDate, fromHour: number, toHour: number, rng: Rng): number {
  return toEpochDay(date) * MS_PER_DAY + fromHour * MS_PER_HOUR + Math.floor(rng.next() * (toHour - fromHour) * MS_PER_HOUR);
}

interface FaultPlan {
  faults: SeasonFaults;
  /** game_id → when its bdl rows land because of an outage (PGS/TDGS follow minutes later). */
  outageLanding: Map<string, number>;
  /** game_id → days late. */
  late: Map<string, number>;
}

/**
 * The outages and late games (missing player rows are picked after the box scores exist).
 *
 * December outage: the box-score scraper fails on 3–4 consecutive game days starting on day
 * 45–49 (early December for a real late-October opening night; it is placed by season day, so
 * a shifted season moves it with the rest), like the real December 2025 outage; the games of those days get no rows in any of the three tables until
 * a backfill 9–12 days after the first of them. Each team loses ~2 games, so L5 windows sit at
 * 60% and L10 at 80% for over a week: breakers trip (3 failed nights) before the backfill.
 *
 * Recent outage: on a season more than 40 days old, the last 2–3 game days on or before
 * simulateThrough − 3..5 days lose their rows. Those games have failed several nights in a row
 * by the end of the simulation, so breakers are active "now". A re-run of the scraper on the
 * afternoon of simulateThrough (12:00–15:00 UTC, its own stream, before the operators' 15:30) fetches the games of the
 * earlier half of those dates (the first one of two, the first two of three); the rest land
 * with the backfill two days after simulateThrough, after the last instant the loader observes.
 * So the morning after holds tripped keys whose data has since arrived (teams that played only
 * on the early dates) beside keys still missing games.
 *
 * Late games: each other final game lands 2–4 days late with probability 2% (its own stream,
 * so the choice does not move when simulateThrough does).
 */
function planFaults(opts: SeasonOptions, schedule: Schedule, seasonEnd: IsoDate): FaultPlan {
  const notes: string[] = [];
  const outages: Outage[] = [];
  const outageLanding = new Map<string, number>();
  const finals = schedule.rows.filter((r) => r.game_status === 3);
  const played = schedule.rows.filter((r) => !schedule.postponed.some((p) => p.game_id === r.game_id));

  // December outage, planned on the whole schedule so its dates do not depend on simulateThrough.
  const drng = rngFor(opts.seed, "outage:december");
  const startDay = drng.int(45, 49);
  const length = drng.int(3, 4);
  const decDates = gameDates(played.filter((r) => r.game_date >= addDays(opts.seasonStart, startDay))).slice(0, length);
  const decBackfill = instantOn(addDays(decDates[0] ?? opts.seasonStart, drng.int(9, 12)), 13, 19, drng);
  const decGames = finals.filter((r) => decDates.includes(r.game_date));
  let decLast: IsoDate | undefined;
  if (decGames.length === 0) {
    notes.push(`December outage (${decDates[0]} – ${decDates[decDates.length - 1]}) skipped: none of its games is final by ${opts.simulateThrough}.`);
  } else {
    const dates = gameDates(decGames);
    decLast = dates[dates.length - 1];
    if (dates.length < decDates.length) notes.push(`December outage still in progress: only ${dates.length} of its ${decDates.length} game days have been played by ${opts.simulateThrough}.`);
    outages.push({ kind: "december", from: dates[0] as IsoDate, to: decLast as IsoDate, backfilledAt: toIsoInstant(decBackfill), gameIds: decGames.map((g) => g.game_id) });
    for (const g of decGames) outageLanding.set(g.game_id, decBackfill);
  }

  // Recent outage, relative to simulateThrough.
  const rrng = rngFor(opts.seed, "outage:recent");
  const elapsed = daysBetween(opts.seasonStart, opts.simulateThrough);
  const anchor = addDays(opts.simulateThrough, -rrng.int(3, 5));
  const recentLength = rrng.int(2, 3);
  const recentBackfill = instantOn(addDays(opts.simulateThrough, 2), 14, 20, rrng);
  if (elapsed <= 40) {
    notes.push(`Recent outage skipped: the season is only ${Math.max(0, elapsed)} days old at ${opts.simulateThrough} (needs more than 40).`);
  } else {
    const dates = gameDates(finals.filter((r) => r.game_date <= anchor)).slice(-recentLength);
    const lastDate = dates[dates.length - 1];
    if (lastDate === undefined || lastDate < addDays(opts.simulateThrough, -10)) {
      notes.push(`Recent outage skipped: no games in the 10 days before ${opts.simulateThrough} (season ended ${seasonEnd}).`);
    } else if (decLast !== undefined && (dates[0] as IsoDate) <= addDays(decLast, 1)) {
      notes.push(`Recent outage skipped: it would run into the December outage (ends ${decLast}).`);
    } else {
      const games = finals.filter((r) => dates.includes(r.game_date));
      const earlyDates = new Set(dates.slice(0, Math.ceil(dates.length / 2)));
      const earlyGames = games.filter((g) => earlyDates.has(g.game_date));
      const earlyBackfill = instantOn(opts.simulateThrough, 12, 15, rngFor(opts.seed, "outage:recent:partial"));
      outages.push({
        kind: "recent",
        from: dates[0] as IsoDate,
        to: lastDate,
        backfilledAt: toIsoInstant(recentBackfill),
        gameIds: games.map((g) => g.game_id),
        early: { backfilledAt: toIsoInstant(earlyBackfill), gameIds: earlyGames.map((g) => g.game_id) },
      });
      for (const g of games) outageLanding.set(g.game_id, earlyDates.has(g.game_date) ? earlyBackfill : recentBackfill);
    }
  }

  const late = new Map<string, number>();
  for (const g of finals) {
    if (outageLanding.has(g.game_id)) continue;
    const lrng = rngFor(opts.seed, `late:${g.game_id}`);
    if (lrng.chance(0.02)) late.set(g.game_id, lrng.int(2, 4));
  }

  return {
    faults: { outages, lateGames: [], missingPlayerRows: [], postponed: schedule.postponed, notes },
    outageLanding,
    late,
  };
}

// ---------------------------------------------------------------------------------------------
// Box scores

/** Relative minutes by rank among the players who played (starters first). */
const MINUTE_WEIGHTS = [36, 34, 33, 31, 29, 25, 22, 19, 15, 11, 7, 4, 3, 2, 2, 1, 1] as const;

/** Seconds per player summing to the team's total (5 on the floor × 48 min, + 5 × 5 per OT). */
function allocateSeconds(count: number, overtimes: number, rng: Rng): number[] {
  const total = (240 + 25 * overtimes) * 60;
  const weights = Array.from({ length: count }, (_, i) => (MINUTE_WEIGHTS[i] ?? 1) * rng.float(0.8, 1.2));
  const sum = weights.reduce((a, b) => a + b, 0);
  // At least one minute for anyone who played: "0:00" means DNP to the completeness SQL.
  const secs = weights.map((w) => Math.max(60, Math.floor((w / sum) * total)));
  secs[0] = (secs[0] ?? 0) + total - secs.reduce((a, b) => a + b, 0);
  return secs;
}

function formatMinutes(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

interface BoxScores {
  pgs: PgsRow[];
  tdgs: TdgsRow[];
  bdl: BdlRow[];
  lateGames: LateGame[];
}

/**
 * Rows for every final game. Each game draws from its own stream (`box:<game_id>`), so a game's
 * box score is the same whatever simulateThrough is; only processed_at moves with the faults.
 */
function buildBoxScores(opts: SeasonOptions, schedule: Schedule, rosters: Rosters, injuries: readonly Injury[], plan: FaultPlan): BoxScores {
  const pgs: PgsRow[] = [];
  const tdgs: TdgsRow[] = [];
  const bdl: BdlRow[] = [];
  const lateGames: LateGame[] = [];
  const postponedIds = new Set(schedule.postponed.map((p) => p.game_id));
  for (const game of schedule.rows) {
    if (game.game_status !== 3 || postponedIds.has(game.game_id)) continue;
    const rng = rngFor(opts.seed, `box:${game.game_id}`);
    const date = game.game_date;
    const overtimes = rng.chance(0.06) ? (rng.chance(0.15) ? 2 : 1) : 0;

    // When the rows land: normally bdl 06:00–07:00 UTC the next morning, PGS 30–75 min later,
    // TDGS 5–20 min after PGS (all before 09:00).
    let bdlAt = instantOn(addDays(date, 1), 6, 7, rng);
    let pgsAt = bdlAt + rng.int(30, 75) * MS_PER_MINUTE + rng.int(0, 59_999);
    let tdgsAt = pgsAt + rng.int(5, 20) * MS_PER_MINUTE + rng.int(0, 59_999);
    const outage = plan.outageLanding.get(game.game_id);
    const daysLate = plan.late.get(game.game_id);
    if (outage !== undefined) {
      bdlAt = outage;
      pgsAt = outage + rng.int(25, 50) * MS_PER_MINUTE;
      tdgsAt = pgsAt + rng.int(5, 15) * MS_PER_MINUTE;
    } else if (daysLate !== undefined) {
      bdlAt += daysLate * MS_PER_DAY;
      pgsAt += daysLate * MS_PER_DAY;
      tdgsAt += daysLate * MS_PER_DAY;
      lateGames.push({ game_id: game.game_id, game_date: date, processed_at: toIsoInstant(bdlAt), daysLate });
    }
    const bdlTs = toIsoInstant(bdlAt);
    const pgsTs = toIsoInstant(pgsAt);
    const tdgsTs = toIsoInstant(tdgsAt);

    const sides: [string, string][] = [
      [game.away_team_tricode, game.home_team_tricode],
      [game.home_team_tricode, game.away_team_tricode],
    ];
    for (const [team, opponent] of sides) {
      const roster = rosters.rosterOn(date, team);
      const out = new Set(injuries.filter((i) => i.team === team && i.from <= date && date <= i.to).map((i) => i.player_lookup));
      // 1–3 DNP/inactive per team: the injured plus coach's decisions, mostly the deep bench.
      const healthy = roster.filter((p) => !out.has(p));
      let extra = Math.max(0, rng.int(1, 3) - out.size);
      while (extra-- > 0 && healthy.length > 0) {
        const p = rng.weightedPick(healthy, healthy.map((_, i) => (i + 1) ** 3));
        out.add(p);
        healthy.splice(healthy.indexOf(p), 1);
      }
      const seconds = allocateSeconds(healthy.length, overtimes, rng);
      const secondsOf = new Map(healthy.map((p, i) => [p, seconds[i] as number]));
      for (const player of roster) {
        const s = secondsOf.get(player);
        bdl.push({ game_id: game.game_id, game_date: date, season_year: opts.seasonYear, player_lookup: player, team_abbr: team, minutes: s === undefined ? "0:00" : formatMinutes(s), processed_at: bdlTs });
        if (s === undefined) continue;
        pgs.push({
          game_id: game.game_id,
          game_date: date,
          season_year: opts.seasonYear,
          player_lookup: player,
          universal_player_id: universalPlayerId(player),
          team_abbr: team,
          opponent_team_abbr: opponent,
          minutes_played: Math.round(s / 6) / 10,
          processed_at: pgsTs,
        });
      }
      tdgs.push({ game_id: game.game_id, game_date: date, season_year: opts.seasonYear, defending_team_abbr: team, opponent_team_abbr: opponent, processed_at: tdgsTs });
    }
  }
  return { pgs, tdgs, bdl, lateGames };
}

/**
 * ~8 (player, game) pairs whose player_game_summary row never arrives although bdl shows the
 * player with minutes: one per game, in distinct final games that are neither in an outage nor
 * late (so each gap is permanent and unambiguous). Fewer when fewer such games exist.
 */
function pickMissingRows(opts: SeasonOptions, pgs: readonly PgsRow[], plan: FaultPlan): MissingPlayerRow[] {
  const rng = rngFor(opts.seed, "missing");
  const byGame = new Map<string, PgsRow[]>();
  for (const r of pgs) {
    if (plan.outageLanding.has(r.game_id) || plan.late.has(r.game_id)) continue;
    const list = byGame.get(r.game_id) ?? [];
    list.push(r);
    byGame.set(r.game_id, list);
  }
  const games = rng.sample([...byGame.keys()].sort(), 8);
  return games
    .map((id) => {
      const r = rng.pick(byGame.get(id) as PgsRow[]);
      return { player_lookup: r.player_lookup, game_id: r.game_id, game_date: r.game_date, team_abbr: r.team_abbr };
    })
    .sort((a, b) => byDateThenId(a, b));
}

// ---------------------------------------------------------------------------------------------
// Entry point

/**
 * A full regular season from `seasonStart`, simulated through `simulateThrough` (inclusive).
 * Deterministic for the options; runs in tens of milliseconds.
 */
export function generateSeason(options: SeasonOptions): SimulatedSeason {
  const opts: SeasonOptions = { ...options, seed: options.seed >>> 0 };
  toEpochDay(opts.seasonStart); // validates both dates (throws RangeError)
  toEpochDay(opts.simulateThrough);
  if (!Number.isInteger(opts.seasonYear)) throw new RangeError(`seasonYear must be an integer: ${opts.seasonYear}`);

  const cal = seasonDays(opts.seasonStart);
  const seasonEnd = cal.dates[SEASON_DAYS - 1] as IsoDate;
  const players = buildPlayers(rngFor(opts.seed, "players"));
  const schedule = buildSchedule(opts, cal);
  const trades = buildTrades(opts, players);
  const rosters = buildRosters(players, trades);
  const injuries = buildInjuries(opts, players, trades, schedule.teamGames);
  const plan = planFaults(opts, schedule, seasonEnd);
  const box = buildBoxScores(opts, schedule, rosters, injuries, plan);
  const missing = pickMissingRows(opts, box.pgs, plan);
  const missingKeys = new Set(missing.map((m) => `${m.game_id}|${m.player_lookup}`));

  return {
    seasonYear: opts.seasonYear,
    seasonStart: opts.seasonStart,
    seasonEnd,
    simulateThrough: opts.simulateThrough,
    allStarBreak: {
      from: addDays(opts.seasonStart, ALL_STAR_BREAK.firstDay),
      to: addDays(opts.seasonStart, ALL_STAR_BREAK.firstDay + ALL_STAR_BREAK.days - 1),
    },
    teams: [...TEAM_TRICODES],
    players: players.map(({ player_lookup, universal_player_id, name, team }) => ({ player_lookup, universal_player_id, name, team })),
    trades,
    injuries,
    schedule: schedule.rows,
    playerGameSummary: box.pgs.filter((r) => !missingKeys.has(`${r.game_id}|${r.player_lookup}`)),
    teamDefenseGameSummary: box.tdgs,
    bdlPlayerBoxscores: box.bdl,
    faults: { ...plan.faults, lateGames: box.lateGames, missingPlayerRows: missing },
    rosterOn: rosters.rosterOn,
    teamOf: rosters.teamOf,
  };
}
