/**
 * The upstream tables of the `original` demo profile, shaped exactly like the original
 * pipeline's (`sql/original/`): the NBA.com schedule as its processor appended it, and the box
 * scores keyed `YYYYMMDD_AWAY_HOME`, with the microsecond timestamps Python writes. Built from
 * the simulated season (`season.ts`), never from the console's queries. Pure: no I/O, no clock.
 *
 * Also the arrival index the simulated processors read: when each row landed, so a run at
 * instant T sees exactly the rows with `processed_at <= T`.
 *
 * What differs from the season as simulated, and why:
 * - The recent outage starts two game days earlier, and half of its games are backfilled on the
 *   afternoon of the last simulated day, the rest with the season's own, later backfill. The
 *   morning the demo ends on then holds both kinds of active breaker on-call meets: keys whose
 *   data has since arrived and keys whose data is still missing.
 * - player_game_summary holds a row for every player in the box score, DNP and inactive players
 *   included (`is_active`, `player_status`), as the original's table does: only the rows the
 *   season says never arrived are absent.
 */
import { type IsoDate, addDays, dayOfWeek, toEpochDay } from "@/lib/completeness/dates";
import { columnTypes } from "@/lib/queries/define-insert";

import { rngFor } from "./random";
import { type SimulatedSeason, analyticsGameId } from "./season";

// ---------------------------------------------------------------------------------------------
// Microsecond instants

/** Epoch microseconds (fits a double exactly until year 2255). */
export type Micros = number;
export const US_PER_MS = 1000;
export const US_PER_MINUTE = 60_000_000;
export const US_PER_HOUR = 3_600_000_000;
export const US_PER_DAY = 86_400_000_000;

/** `YYYY-MM-DDTHH:MM:SS.ffffffZ`: what Python's `datetime.now(timezone.utc)` writes. */
export function isoMicros(us: Micros): string {
  const ms = Math.floor(us / US_PER_MS);
  const rest = us - ms * US_PER_MS;
  return `${new Date(ms).toISOString().slice(0, -1)}${String(rest).padStart(3, "0")}Z`;
}

export function microsOf(instant: string): Micros {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`Not an instant: ${instant}`);
  const fraction = /\.(\d+)Z$/.exec(instant)?.[1] ?? "";
  const extra = fraction.length > 3 ? Number(fraction.slice(3, 6).padEnd(3, "0")) : 0;
  return ms * US_PER_MS + extra;
}

/** `YYYYMMDD_HHMMSS`: how the scrapers name the files they save. */
function fileStamp(us: Micros): string {
  return isoMicros(us).slice(0, 19).replace(/[-:]/g, "").replace("T", "_");
}

export function dayStart(date: IsoDate): Micros {
  return toEpochDay(date) * US_PER_DAY;
}

// ---------------------------------------------------------------------------------------------
// Teams (NBA.com ids and names, as the schedule carries them)

const TEAMS: Record<string, [number, string]> = {
  ATL: [1610612737, "Hawks"], BOS: [1610612738, "Celtics"], BKN: [1610612751, "Nets"], CHA: [1610612766, "Hornets"],
  CHI: [1610612741, "Bulls"], CLE: [1610612739, "Cavaliers"], DAL: [1610612742, "Mavericks"], DEN: [1610612743, "Nuggets"],
  DET: [1610612765, "Pistons"], GSW: [1610612744, "Warriors"], HOU: [1610612745, "Rockets"], IND: [1610612754, "Pacers"],
  LAC: [1610612746, "Clippers"], LAL: [1610612747, "Lakers"], MEM: [1610612763, "Grizzlies"], MIA: [1610612748, "Heat"],
  MIL: [1610612749, "Bucks"], MIN: [1610612750, "Timberwolves"], NOP: [1610612740, "Pelicans"], NYK: [1610612752, "Knicks"],
  OKC: [1610612760, "Thunder"], ORL: [1610612753, "Magic"], PHI: [1610612755, "76ers"], PHX: [1610612756, "Suns"],
  POR: [1610612757, "Trail Blazers"], SAC: [1610612758, "Kings"], SAS: [1610612759, "Spurs"], TOR: [1610612761, "Raptors"],
  UTA: [1610612762, "Jazz"], WAS: [1610612764, "Wizards"],
};

function team(tricode: string): [number, string] {
  const t = TEAMS[tricode];
  if (!t) throw new RangeError(`Unknown team ${tricode}`);
  return t;
}

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

// ---------------------------------------------------------------------------------------------
// Column lists (exactly the columns written; every other column gets its DDL default or NULL)

/** Types from the original pipeline's DDL (`sql/original/`), the one owner of a column's type. */
const originalTypes = (table: string, columns: readonly string[]) => columnTypes(table, columns, "sql/original");

export const SCHEDULE_COLUMNS = originalTypes("nba_raw.nbac_schedule", [
  "game_id", "game_code", "season", "season_nba_format", "season_year", "game_date",
  "game_date_est", "game_status", "game_status_text", "home_team_id", "home_team_tricode",
  "home_team_name", "away_team_id", "away_team_tricode", "away_team_name", "is_regular_season",
  "is_playoffs", "day_of_week", "is_weekend", "home_team_score", "away_team_score",
  "winning_team_tricode", "data_source", "source_file_path", "scrape_timestamp", "created_at",
  "processed_at",
]);
export const BDL_COLUMNS = originalTypes("nba_raw.bdl_player_boxscores", [
  "game_id", "game_date", "season_year", "game_status", "period", "is_postseason",
  "home_team_abbr", "away_team_abbr", "home_team_score", "away_team_score", "team_abbr",
  "player_full_name", "player_lookup", "minutes", "points", "source_file_path", "created_at",
  "processed_at",
]);
export const PGS_COLUMNS = originalTypes("nba_analytics.player_game_summary", [
  "player_lookup", "universal_player_id", "player_full_name", "game_id", "game_date", "team_abbr",
  "opponent_team_abbr", "season_year", "points", "minutes_played", "starter_flag", "win_flag",
  "is_active", "player_status", "primary_source_used", "created_at", "processed_at",
]);
export const TDGS_COLUMNS = originalTypes("nba_analytics.team_defense_game_summary", [
  "game_id", "game_date", "defending_team_abbr", "opponent_team_abbr", "season_year",
  "points_allowed", "home_game", "win_flag", "margin_of_victory", "processed_at", "created_at",
]);

// ---------------------------------------------------------------------------------------------
// Arrival index

/** One upstream row of an entity, for window counts: its game date, team and when it landed. */
export interface Landed {
  date: IsoDate;
  team: string;
  /** Analytics game id `YYYYMMDD_AWAY_HOME`. */
  gameId: string;
  at: Micros;
  /** bdl only: the player did not play ("0:00"). */
  dnp?: boolean;
}

export interface OriginalUpstream {
  rows: {
    schedule: Record<string, unknown>[];
    bdl: Record<string, unknown>[];
    pgs: Record<string, unknown>[];
    tdgs: Record<string, unknown>[];
  };
  /** player → their player_game_summary rows, by date. */
  pgsByPlayer: Map<string, Landed[]>;
  /** player → their bdl_player_boxscores rows, by date. */
  bdlByPlayer: Map<string, Landed[]>;
  /** team → its team_defense_game_summary rows, by date. */
  tdgsByTeam: Map<string, Landed[]>;
  /** team → its bdl rows landing per analytics game id (the team's box score exists). */
  teamBoxLanded: Map<string, Micros>;
  /** team → dates of its played (final) games, ascending. */
  finalDates: Map<string, IsoDate[]>;
  /** team → dates of its final home games, ascending. */
  finalHomeDates: Map<string, IsoDate[]>;
  /** team → dates of every schedule row with it at home (any status, the original's UTGC "actual"). */
  scheduleHomeDates: Map<string, IsoDate[]>;
  /** date → games played that day. */
  gamesOn: Map<IsoDate, { home: string; away: string; nbaId: string; gameId: string }[]>;
  /** When the early part of the recent outage's backfill landed (null: no recent outage). */
  partialBackfillAt: Micros | null;
  /** NBA.com ids of the games this profile's recent outage lost (it starts two game days before the season's). */
  recentOutageGames: ReadonlySet<string>;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The upstream rows that had landed by `now` (rows landing later are not written: the demo
 * never holds an event after the moment it was built), and the arrival index.
 */
export function buildOriginalUpstream(season: SimulatedSeason, seed: number, now: Micros): OriginalUpstream {
  const seasonLabel = `${season.seasonYear}-${String((season.seasonYear + 1) % 100).padStart(2, "0")}`;
  const postponedIds = new Set(season.faults.postponed.map((p) => p.game_id));
  const jitter = rngFor(seed, "original:micros");

  // The recent outage, as this team lived it: the scraper failed two game days earlier than the
  // season says (so teams lose two or three games: the original's checker, which counts the
  // date's own game as actual, lets a single missing game through on the next night's retry),
  // and on the afternoon of the last simulated day a re-run of the scraper fetched every other
  // lost game (by date and id); the rest land with the season's own, later backfill.
  const recent = season.faults.outages.find((o) => o.kind === "recent");
  const december = season.faults.outages.find((o) => o.kind === "december");
  const lost = new Map<string, boolean>(); // NBA.com id → fetched by the early re-run
  let partialBackfillAt: Micros | null = null;
  let laterBackfillAt: Micros = 0;
  if (recent) {
    partialBackfillAt = dayStart(season.simulateThrough) + 13 * US_PER_HOUR + jitter.int(0, 3 * US_PER_HOUR);
    laterBackfillAt = microsOf(recent.backfilledAt);
    const played = season.schedule.filter((g) => g.game_status === 3 && !postponedIds.has(g.game_id));
    const before = [...new Set(played.filter((g) => g.game_date < recent.from).map((g) => g.game_date))]
      .sort()
      .slice(-2)
      .filter((d) => !december || d > addDays(december.to, 1));
    const games = played
      .filter((g) => recent.gameIds.includes(g.game_id) || before.includes(g.game_date))
      .sort((x, y) => (x.game_date < y.game_date ? -1 : x.game_date > y.game_date ? 1 : x.game_id < y.game_id ? -1 : 1));
    games.forEach((g, i) => lost.set(g.game_id, i % 2 === 0));
  }

  const schedule: Record<string, unknown>[] = [];
  const finalDates = new Map<string, IsoDate[]>();
  const finalHomeDates = new Map<string, IsoDate[]>();
  const scheduleHomeDates = new Map<string, IsoDate[]>();
  const gamesOn = new Map<IsoDate, { home: string; away: string; nbaId: string; gameId: string }[]>();
  const scores = new Map<string, { home: number; away: number }>();
  // The season's schedule was first scraped six weeks before opening night.
  const preseasonScrape = dayStart(addDays(season.seasonStart, -42)) + 15 * US_PER_HOUR;

  for (const g of season.schedule) {
    const rng = rngFor(seed, `original:schedule:${g.game_id}`);
    const [homeId, homeName] = team(g.home_team_tricode);
    const [awayId, awayName] = team(g.away_team_tricode);
    const code = `${g.game_date.replaceAll("-", "")}/${g.away_team_tricode}${g.home_team_tricode}`;
    const tipoff = dayStart(g.game_date) + (23 + rng.int(0, 2)) * US_PER_HOUR + (rng.chance(0.5) ? 30 * US_PER_MINUTE : 0);
    const base = {
      game_id: g.game_id, game_code: code, season: seasonLabel, season_nba_format: seasonLabel, season_year: season.seasonYear,
      game_date: g.game_date, game_date_est: isoMicros(tipoff), home_team_id: homeId, home_team_tricode: g.home_team_tricode,
      home_team_name: homeName, away_team_id: awayId, away_team_tricode: g.away_team_tricode, away_team_name: awayName,
      is_regular_season: true, is_playoffs: false, day_of_week: WEEKDAYS[dayOfWeek(g.game_date)],
      is_weekend: [0, 6].includes(dayOfWeek(g.game_date)), data_source: "api_stats",
    };
    const scraped = (at: Micros, file: string) => ({
      source_file_path: `nba-com/schedule/${seasonLabel}/${file}`,
      scrape_timestamp: isoMicros(at - rng.int(30, 300) * 1_000_000),
      created_at: isoMicros(at),
      processed_at: isoMicros(at + rng.int(1_000, 900_000)),
    });
    const pre = scraped(preseasonScrape, `${fileStamp(preseasonScrape)}.json`);
    push(scheduleHomeDates, g.home_team_tricode, g.game_date);

    if (postponedIds.has(g.game_id)) {
      // A postponed game keeps a row with PPD status text, from the scrape after the decision.
      const at = dayStart(g.game_date) + 20 * US_PER_HOUR + rng.int(0, US_PER_HOUR);
      const decided = at + 1_000_000 <= now; // processed within a second of the scrape
      schedule.push({ ...base, game_status: 1, game_status_text: decided ? "PPD" : "7:30 pm ET", ...(decided ? scraped(at, `${fileStamp(at)}.json`) : pre) });
      continue;
    }
    const final = g.game_status === 3;
    const finalAt = dayStart(addDays(g.game_date, 1)) + 2 * US_PER_HOUR + rng.int(0, 90 * US_PER_MINUTE);
    if (!final || finalAt + 1_000_000 > now) {
      schedule.push({ ...base, game_status: 1, game_status_text: "7:30 pm ET", ...pre });
      continue;
    }
    const home = rng.int(96, 128);
    let away = rng.int(94, 126);
    if (away === home) away += rng.chance(0.5) ? 1 : -1;
    scores.set(g.game_id, { home, away });
    // The schedule processor appended until it learned to merge: a third of the games keep the
    // stale scheduled row beside the final one.
    if (rng.chance(0.33)) schedule.push({ ...base, game_status: 1, game_status_text: "7:30 pm ET", ...pre });
    schedule.push({
      ...base, game_status: 3, game_status_text: "Final", home_team_score: home, away_team_score: away,
      winning_team_tricode: home > away ? g.home_team_tricode : g.away_team_tricode, ...scraped(finalAt, `${fileStamp(finalAt)}.json`),
    });
    push(finalDates, g.home_team_tricode, g.game_date);
    push(finalDates, g.away_team_tricode, g.game_date);
    push(finalHomeDates, g.home_team_tricode, g.game_date);
    push(gamesOn, g.game_date, { home: g.home_team_tricode, away: g.away_team_tricode, nbaId: g.game_id, gameId: analyticsGameId(g) });
  }

  const byNbaId = new Map(season.schedule.map((g) => [g.game_id, g]));
  const names = new Map(season.players.map((p) => [p.player_lookup, p.name]));
  // When a game's rows of one table landed: one load per game and table (the rows of a load
  // differ by the microseconds Python's per-row `datetime.now()` takes), moved to the recent
  // outage's backfills for its lost games.
  const loads = new Map<string, Micros>();
  const landing = (table: string, nbaId: string, simulated: string, backfillOffset: () => Micros): Micros => {
    const k = `${table}|${nbaId}`;
    let at = loads.get(k);
    if (at === undefined) {
      at = microsOf(simulated) + jitter.int(0, 999);
      const early = lost.get(nbaId);
      if (early !== undefined && partialBackfillAt !== null) at = (early ? partialBackfillAt : Math.max(laterBackfillAt, at)) + backfillOffset();
      loads.set(k, at);
    }
    return at + jitter.int(1, 3_000);
  };
  // bdl: one row per rostered player of both teams.
  const bdl: Record<string, unknown>[] = [];
  const bdlByPlayer = new Map<string, Landed[]>();
  const teamBoxLanded = new Map<string, Micros>();
  const minutesOf = new Map<string, string>();
  for (const r of season.bdlPlayerBoxscores) {
    const g = byNbaId.get(r.game_id)!;
    const s = scores.get(r.game_id);
    const at = landing("bdl", r.game_id, r.processed_at, () => jitter.int(0, 60_000_000));
    if (at + 250_000 > now || !s) continue;
    const gameId = analyticsGameId(g);
    const played = r.minutes !== "0:00";
    minutesOf.set(`${r.game_id}|${r.player_lookup}`, r.minutes);
    bdl.push({
      game_id: gameId, game_date: r.game_date, season_year: r.season_year, game_status: "Final", period: 4, is_postseason: false,
      home_team_abbr: g.home_team_tricode, away_team_abbr: g.away_team_tricode, home_team_score: s.home, away_team_score: s.away,
      team_abbr: r.team_abbr, player_full_name: names.get(r.player_lookup) ?? r.player_lookup, player_lookup: r.player_lookup,
      minutes: r.minutes, points: played ? Math.round(Number(r.minutes.split(":")[0]) * 0.5) : 0,
      source_file_path: `ball-dont-lie/boxscores/${r.game_date}/${fileStamp(loads.get(`bdl|${r.game_id}`)!)}.json`,
      created_at: isoMicros(at), processed_at: isoMicros(at + 250_000),
    });
    push(bdlByPlayer, r.player_lookup, { date: r.game_date, team: r.team_abbr, gameId, at, dnp: !played });
    const teamKey = `${r.team_abbr}|${gameId}`;
    teamBoxLanded.set(teamKey, Math.min(teamBoxLanded.get(teamKey) ?? Infinity, at));
  }

  // player_game_summary: the players who played (as simulated), plus the box score's DNP and
  // inactive players, who land with their teammates.
  const pgs: Record<string, unknown>[] = [];
  const pgsByPlayer = new Map<string, Landed[]>();
  const pgsAt = new Map<string, Micros>();
  const have = new Set<string>();
  const addPgs = (nbaId: string, player: string, teamAbbr: string, opponent: string, date: IsoDate, minutes: number | null, at: Micros) => {
    const g = byNbaId.get(nbaId)!;
    const s = scores.get(nbaId);
    if (at > now || !s) return;
    const gameId = analyticsGameId(g);
    const home = teamAbbr === g.home_team_tricode;
    pgs.push({
      player_lookup: player, universal_player_id: `${player}_001`, player_full_name: names.get(player) ?? player, game_id: gameId,
      game_date: date, team_abbr: teamAbbr, opponent_team_abbr: opponent, season_year: season.seasonYear,
      points: minutes === null ? null : Math.round(minutes * 0.5), minutes_played: minutes, starter_flag: minutes !== null && minutes >= 24,
      win_flag: home ? s.home > s.away : s.away > s.home, is_active: minutes !== null, player_status: minutes === null ? "inactive" : "active",
      primary_source_used: "nbac_gamebook", created_at: isoMicros(at), processed_at: isoMicros(at),
    });
    push(pgsByPlayer, player, { date, team: teamAbbr, gameId, at });
  };
  for (const r of season.playerGameSummary) {
    const at = landing("pgs", r.game_id, r.processed_at, () => 40 * US_PER_MINUTE + jitter.int(0, 20 * US_PER_MINUTE));
    pgsAt.set(r.game_id, at);
    have.add(`${r.game_id}|${r.player_lookup}`);
    addPgs(r.game_id, r.player_lookup, r.team_abbr, r.opponent_team_abbr, r.game_date, r.minutes_played, at);
  }
  for (const r of season.bdlPlayerBoxscores) {
    if (r.minutes !== "0:00" || have.has(`${r.game_id}|${r.player_lookup}`)) continue;
    const at = pgsAt.get(r.game_id);
    const g = byNbaId.get(r.game_id)!;
    if (at === undefined) continue;
    addPgs(r.game_id, r.player_lookup, r.team_abbr, r.team_abbr === g.home_team_tricode ? g.away_team_tricode : g.home_team_tricode, r.game_date, null, at);
  }

  const tdgs: Record<string, unknown>[] = [];
  const tdgsByTeam = new Map<string, Landed[]>();
  for (const r of season.teamDefenseGameSummary) {
    const g = byNbaId.get(r.game_id)!;
    const s = scores.get(r.game_id);
    const at = landing("tdgs", r.game_id, r.processed_at, () => 70 * US_PER_MINUTE + jitter.int(0, 10 * US_PER_MINUTE));
    if (at + 180_000 > now || !s) continue;
    const home = r.defending_team_abbr === g.home_team_tricode;
    const gameId = analyticsGameId(g);
    tdgs.push({
      game_id: gameId, game_date: r.game_date, defending_team_abbr: r.defending_team_abbr, opponent_team_abbr: r.opponent_team_abbr,
      season_year: r.season_year, points_allowed: home ? s.away : s.home, home_game: home, win_flag: home ? s.home > s.away : s.away > s.home,
      margin_of_victory: home ? s.home - s.away : s.away - s.home, processed_at: isoMicros(at), created_at: isoMicros(at + 180_000),
    });
    push(tdgsByTeam, r.defending_team_abbr, { date: r.game_date, team: r.defending_team_abbr, gameId, at });
  }

  const byDate = (a: Landed, b: Landed) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0);
  for (const m of [pgsByPlayer, bdlByPlayer, tdgsByTeam]) for (const list of m.values()) list.sort(byDate);
  for (const m of [finalDates, finalHomeDates, scheduleHomeDates]) for (const list of m.values()) list.sort();
  return { rows: { schedule, bdl, pgs, tdgs }, pgsByPlayer, bdlByPlayer, tdgsByTeam, teamBoxLanded, finalDates, finalHomeDates, scheduleHomeDates, gamesOn, partialBackfillAt, recentOutageGames: new Set(lost.keys()) };
}
