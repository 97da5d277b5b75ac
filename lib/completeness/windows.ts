/**
 * Completeness windows: the shapes and helpers the engine shares (WindowResult, roundPct,
 * completenessPct, team-game keys), and the reference calculation of completeness from plain
 * data (`computeBatch`, `computeEntityCompleteness`). The engine does not decide with the
 * reference calculation: it counts the games the window SQL returns with `windowsFromGames`
 * (./window-games.ts). Only tests run the reference calculation, as the independent answer the
 * SQL and `windowsFromGames` are checked against, so it is written for obviousness rather than
 * speed. Client-safe, pure.
 *
 * Rules, and where the original was wrong:
 * - Only FINAL games (status 3) are ever expected; scheduled, in-progress and postponed games
 *   are not. A postponed game that is later played appears as a final game on its new date.
 * - Games window N: the entity's team's last N final games strictly before the analysis date,
 *   from the season's opening night on. (The original ignored N and counted season-to-date,
 *   including the analysis date.)
 * - Days window N: final games dated in [date − N, date − 1], i.e. exactly N calendar days,
 *   never before opening night. (The original's BETWEEN spanned N + 1 days and included the
 *   analysis date.)
 * - A team's games are its home AND away games. (The original's CASE WHEN gave each game to
 *   the home team only, so expected was ~half and completeness ~200%.)
 * - A player's team is the team of their most recent game strictly before the date, so after a
 *   trade the window is the new team's games. A game of that team with no row for the player
 *   counts as present when the team's box score for the game exists (DNP or inactive), and is
 *   listed in `dnpGames`; without the team box score it is a gap. Games from before the
 *   player's current stint (a trade inside the window) can only be accounted for by the team's
 *   box score (`reason: "before_joining"`): a row of the player on that date is from his old
 *   team's game, not this one.
 * - Actual counts only expected games that are present, so 0 ≤ actual ≤ expected and
 *   0 ≤ completeness ≤ 100 by construction (still clamped, as an invariant).
 * - Expected = 0 is not a gap: `noGamesExpected`, completeness `null` (shown as "no games
 *   expected", never 0%), `isComplete` true; readiness treats the window as not blocking.
 */
import { type IsoDate, addDays } from "./dates";
import { type SeasonCalendar, seasonStartFor } from "./calendar";
import type { EntityKind, WindowSpec } from "./processors";

export const GAME_STATUS = { scheduled: 1, inProgress: 2, final: 3 } as const;
export type GameStatus = 1 | 2 | 3;

/** One row of `nba_raw.nbac_schedule`, reduced to what completeness needs. */
export interface ScheduleGame {
  game_id: string;
  game_date: IsoDate;
  status: GameStatus;
  /** home_team_tricode */
  home: string;
  /** away_team_tricode */
  away: string;
}

/**
 * Upstream rows present for one entity (or one team's box scores). A scheduled game is present
 * when its game_id is listed OR its date is listed. Dates are the reliable key: a team plays at
 * most once a day and the analytics tables use another game-id format (`20250120_BKN_MIL`)
 * than the schedule (`0022400123`); the original counted DISTINCT game_date too.
 */
export interface Presence {
  readonly gameIds?: ReadonlySet<string>;
  readonly dates?: ReadonlySet<IsoDate>;
}

/** One game a player appeared in: `player_game_summary (player_lookup, game_date, team_abbr)`. */
export interface PlayerTeamRow {
  player: string;
  game_date: IsoDate;
  team: string;
}

export interface CompletenessData {
  schedule: readonly ScheduleGame[];
  /**
   * Upstream presence per upstream entity: the team tricode for team and team-game entities
   * (upstream tables are per team, not per team-game), the player_lookup for players.
   */
  present: ReadonlyMap<string, Presence>;
  /** Per team tricode: team box scores present. Enables DNP detection for players; without it
   *  a game with no player row is a gap. */
  teamBoxScores?: ReadonlyMap<string, Presence>;
  /** Player game history, for the player's team on the date (trades). */
  playerTeams?: readonly PlayerTeamRow[];
  /**
   * Per player: games the RAW box score (`bdl_player_boxscores`, minutes > 0) shows them
   * playing. A game the player played is never credited to the team box score: their missing
   * row is a data gap (a permanently lost row), not a DNP. Without it, every game with a team
   * box score and no player row counts as a DNP.
   */
  playedPerRaw?: ReadonlyMap<string, Presence>;
  calendar?: SeasonCalendar;
}

export interface GameRef {
  game_id: string;
  game_date: IsoDate;
  /** The other team's tricode. */
  opponent: string;
}

export interface DnpGame extends GameRef {
  /** `dnp`: the player was on the team and has no row; `before_joining`: the game predates the
   *  player's first game with their current team (a trade or signing inside the window). */
  reason: "dnp" | "before_joining";
}

export interface WindowResult {
  id: string;
  kind: WindowSpec["kind"];
  size: number;
  /** The team whose schedule defines the window; null when the player has no prior game. */
  team: string | null;
  /** Inclusive date range the window looked at ([from, to]); null when there is no team. */
  from: IsoDate | null;
  to: IsoDate | null;
  expected: number;
  actual: number;
  /** expected − actual, never negative. */
  missing: number;
  /** actual / expected × 100, unrounded, clamped to 0..100; null when no games are expected. */
  completenessPct: number | null;
  /** completenessPct rounded to 1 decimal (the stored value); null when no games are expected. */
  pctRounded: number | null;
  /** actual ≥ expected (true when nothing is expected). */
  isComplete: boolean;
  noGamesExpected: boolean;
  missingGames: GameRef[];
  /** Games counted present because only the team box score exists. */
  dnpGames: DnpGame[];
}

/**
 * A window's span and counts, as every view of an evaluation shows them (the check service's
 * answer, the entity page's live recheck): which window, the games it covers, and how many.
 */
export function windowFigures(w: WindowResult): Pick<WindowResult, "id" | "kind" | "size" | "team" | "from" | "to" | "expected" | "actual" | "missing"> {
  const { id, kind, size, team, from, to, expected, actual, missing } = w;
  return { id, kind, size, team, from, to, expected, actual, missing };
}

export interface EntityCompleteness {
  kind: EntityKind;
  entity: string;
  date: IsoDate;
  team: string | null;
  windows: WindowResult[];
}

// ---------------------------------------------------------------------------------------------
// Small pure helpers

/** Round to one decimal, half away from zero (BigQuery ROUND(x, 1)); the original used Python's
 *  half-even, which differs only on exact ties such as 31.25. */
export function roundPct(pct: number): number {
  return Math.sign(pct) * (Math.round(Math.abs(pct) * 10) / 10);
}

/** Completeness percentage: null when nothing is expected, else clamped to 0..100. */
export function completenessPct(actual: number, expected: number): number | null {
  if (expected <= 0) return null;
  return Math.min(100, Math.max(0, (actual / expected) * 100));
}

const TEAM_GAME_KEY = /^([A-Z]{3})_(\d{4}-\d{2}-\d{2})$/;

/** `LAL_2024-12-15` → { team: "LAL", gameDate: "2024-12-15" }; null when not such a key. */
export function parseTeamGameKey(key: string): { team: string; gameDate: IsoDate } | null {
  const m = TEAM_GAME_KEY.exec(key);
  return m ? { team: m[1]!, gameDate: m[2]! } : null;
}

export function teamGameKey(team: string, gameDate: IsoDate): string {
  return `${team}_${gameDate}`;
}

export function isPresent(presence: Presence | undefined, game: Pick<ScheduleGame, "game_id" | "game_date">): boolean {
  if (!presence) return false;
  return (presence.gameIds?.has(game.game_id) ?? false) || (presence.dates?.has(game.game_date) ?? false);
}

/** Convenience builder for `Presence` from arrays. */
export function presence(parts: { gameIds?: Iterable<string>; dates?: Iterable<IsoDate> }): Presence {
  return { gameIds: new Set(parts.gameIds ?? []), dates: new Set(parts.dates ?? []) };
}

// ---------------------------------------------------------------------------------------------
// Schedule index

/** Final games per team, ascending by (date, game_id), each game once per team. */
export type ScheduleIndex = ReadonlyMap<string, readonly ScheduleGame[]>;

/**
 * Index final games by team (home and away). A game_id listed twice as final (a stale and a
 * rescheduled row) keeps its latest date, and a team has at most one final game per date (the
 * schedule appended rows: two final rows of a team on one date are one game; the greatest
 * game_id is kept), so the index does not depend on row order.
 */
export function indexSchedule(schedule: readonly ScheduleGame[]): ScheduleIndex {
  const byId = new Map<string, ScheduleGame>();
  for (const g of schedule) {
    if (g.status !== GAME_STATUS.final) continue;
    const seen = byId.get(g.game_id);
    if (!seen || g.game_date > seen.game_date) byId.set(g.game_id, g);
  }
  const byTeamDate = new Map<string, { team: string; game: ScheduleGame }>();
  for (const g of byId.values()) {
    for (const team of new Set([g.home, g.away])) {
      const key = `${team}|${g.game_date}`;
      const seen = byTeamDate.get(key);
      if (!seen || g.game_id > seen.game.game_id) byTeamDate.set(key, { team, game: g });
    }
  }
  const byTeam = new Map<string, ScheduleGame[]>();
  for (const { team, game } of byTeamDate.values()) {
    const list = byTeam.get(team) ?? [];
    list.push(game);
    byTeam.set(team, list);
  }
  for (const list of byTeam.values()) list.sort(compareGames);
  return byTeam;
}

function compareGames(a: ScheduleGame, b: ScheduleGame): number {
  if (a.game_date !== b.game_date) return a.game_date < b.game_date ? -1 : 1;
  return a.game_id < b.game_id ? -1 : a.game_id > b.game_id ? 1 : 0;
}

/**
 * The final games of `team` that a window covers, ascending by date.
 * Games window: the last `size` games in [seasonStart, date − 1]. Days window: [date − size, date − 1].
 */
export function gamesInWindow(
  teamGames: readonly ScheduleGame[],
  window: WindowSpec,
  date: IsoDate,
  seasonStart: IsoDate,
): { games: ScheduleGame[]; from: IsoDate; to: IsoDate } {
  const to = addDays(date, -1);
  if (window.kind === "days") {
    // Clipped at opening night like games windows: a preseason game is never expected.
    const from = addDays(date, -window.size) < seasonStart ? seasonStart : addDays(date, -window.size);
    return { games: teamGames.filter((g) => g.game_date >= from && g.game_date <= to), from, to };
  }
  const inSeason = teamGames.filter((g) => g.game_date >= seasonStart && g.game_date <= to);
  const games = window.size > 0 ? inSeason.slice(-window.size) : [];
  return { games, from: seasonStart, to };
}

/**
 * A player's team on `date`: the team of their most recent game strictly before it.
 * Two rows on that same date (a data error) resolve to the alphabetically last team, so the
 * answer never depends on row order. Returns the team and the date the player's current stint
 * with it began (first game after their last game for another team).
 */
export function playerTeamOn(
  history: readonly PlayerTeamRow[],
  player: string,
  date: IsoDate,
): { team: string; since: IsoDate } | null {
  const rows = history
    .filter((r) => r.player === player && r.game_date < date)
    .sort((a, b) => (a.game_date !== b.game_date ? (a.game_date < b.game_date ? -1 : 1) : a.team < b.team ? -1 : 1));
  const last = rows.at(-1);
  if (!last) return null;
  let since = last.game_date;
  for (let i = rows.length - 1; i >= 0 && rows[i]!.team === last.team; i--) since = rows[i]!.game_date;
  return { team: last.team, since };
}

// ---------------------------------------------------------------------------------------------
// The calculation

export interface PreparedData extends CompletenessData {
  index: ScheduleIndex;
  /** playerTeams grouped by player, so a batch never rescans the whole history per player. */
  historyByPlayer: ReadonlyMap<string, readonly PlayerTeamRow[]>;
}

/** Build the schedule index and the per-player history once for a batch of entities. */
export function prepare(data: CompletenessData): PreparedData {
  const historyByPlayer = new Map<string, PlayerTeamRow[]>();
  for (const row of data.playerTeams ?? []) {
    const list = historyByPlayer.get(row.player) ?? [];
    list.push(row);
    historyByPlayer.set(row.player, list);
  }
  return { ...data, index: indexSchedule(data.schedule), historyByPlayer };
}

function opponentOf(game: ScheduleGame, team: string): string {
  return game.home === team ? game.away : game.home;
}

function ref(game: ScheduleGame, team: string): GameRef {
  return { game_id: game.game_id, game_date: game.game_date, opponent: opponentOf(game, team) };
}

interface Subject {
  team: string | null;
  /** Upstream presence for the entity itself. */
  own: Presence | undefined;
  /** Player only: team box scores, for DNP credit, and the start of the current stint. */
  teamBox?: Presence;
  since?: IsoDate;
  /** Player only: games the raw box score shows them playing. */
  played?: Presence;
}

function subjectOf(data: PreparedData, kind: EntityKind, entity: string, date: IsoDate): Subject {
  if (kind === "team") return { team: entity, own: data.present.get(entity) };
  if (kind === "team_game") {
    const key = parseTeamGameKey(entity);
    if (!key) throw new RangeError(`Not a team-game key (LAL_2024-12-15): ${entity}`);
    if (key.gameDate !== date) throw new RangeError(`Team-game key ${entity} is for ${key.gameDate}, not ${date}`);
    return { team: key.team, own: data.present.get(key.team) };
  }
  // Only this season's games tell the current team: last season's (or preseason) team is not it.
  const seasonStart = seasonStartFor(date, data.calendar);
  const history = (data.historyByPlayer.get(entity) ?? []).filter((r) => r.game_date >= seasonStart);
  const onTeam = playerTeamOn(history, entity, date);
  if (!onTeam) return { team: null, own: data.present.get(entity) };
  return {
    team: onTeam.team,
    own: data.present.get(entity),
    teamBox: data.teamBoxScores?.get(onTeam.team),
    since: onTeam.since,
    played: data.playedPerRaw?.get(entity),
  };
}

function emptyWindow(window: WindowSpec): WindowResult {
  return {
    id: window.id,
    kind: window.kind,
    size: window.size,
    team: null,
    from: null,
    to: null,
    expected: 0,
    actual: 0,
    missing: 0,
    completenessPct: null,
    pctRounded: null,
    isComplete: true,
    noGamesExpected: true,
    missingGames: [],
    dnpGames: [],
  };
}

function computeWindow(data: PreparedData, subject: Subject, window: WindowSpec, date: IsoDate): WindowResult {
  const team = subject.team;
  if (team === null) return emptyWindow(window);
  const seasonStart = seasonStartFor(date, data.calendar);
  const { games, from, to } = gamesInWindow(data.index.get(team) ?? [], window, date, seasonStart);
  const missingGames: GameRef[] = [];
  const dnpGames: DnpGame[] = [];
  let actual = 0;
  for (const game of games) {
    // Before the player's current stint began, a row of theirs on that date belongs to their
    // old team's game, so only the new team's box score can account for this game.
    const beforeJoining = subject.since !== undefined && game.game_date < subject.since;
    // Before joining, only the player's row for THIS game (by id) counts: he may have played in
    // it for the other side, and then the box score holds him.
    const ownRow = beforeJoining ? (subject.own?.gameIds?.has(game.game_id) ?? false) : isPresent(subject.own, game);
    if (ownRow) actual++;
    else if (subject.teamBox && isPresent(subject.teamBox, game) && !(subject.played?.gameIds?.has(game.game_id) ?? false)) {
      actual++;
      dnpGames.push({ ...ref(game, team), reason: beforeJoining ? "before_joining" : "dnp" });
    } else missingGames.push(ref(game, team));
  }
  return windowResult(window, { team, from, to, expected: games.length, actual, missingGames, dnpGames });
}

/**
 * A window's result from its counts: missing = expected − actual (never negative), the
 * completeness percentage and its rounding, complete when every expected game is accounted for,
 * and "no games expected" for an empty window. The production count (window-games.ts) and the
 * reference calculation count differently and both finish here.
 */
export function windowResult(
  window: WindowSpec,
  c: Pick<WindowResult, "team" | "from" | "to" | "expected" | "actual" | "missingGames" | "dnpGames">,
): WindowResult {
  const pct = completenessPct(c.actual, c.expected);
  return {
    id: window.id,
    kind: window.kind,
    size: window.size,
    team: c.team,
    from: c.from,
    to: c.to,
    expected: c.expected,
    actual: c.actual,
    missing: Math.max(0, c.expected - c.actual),
    completenessPct: pct,
    pctRounded: pct === null ? null : roundPct(pct),
    isComplete: c.actual >= c.expected,
    noGamesExpected: c.expected === 0,
    missingGames: c.missingGames,
    dnpGames: c.dnpGames,
  };
}

export interface EntityRequest {
  kind: EntityKind;
  entity: string;
  /** The analysis date (for a team-game key, the game date in the key). */
  date: IsoDate;
  windows: readonly WindowSpec[];
}

/** Completeness of one entity on one date, for each of its windows. */
export function computeEntityCompleteness(data: PreparedData | CompletenessData, req: EntityRequest): EntityCompleteness {
  const prepared = "index" in data ? data : prepare(data);
  const subject = subjectOf(prepared, req.kind, req.entity, req.date);
  return {
    kind: req.kind,
    entity: req.entity,
    date: req.date,
    team: subject.team,
    windows: req.windows.map((w) => computeWindow(prepared, subject, w, req.date)),
  };
}

/** Completeness of many entities of one kind on one date; the schedule is indexed once (the tests' reference answer). */
export function computeBatch(
  data: CompletenessData,
  req: Omit<EntityRequest, "entity"> & { entities: readonly string[] },
): Map<string, EntityCompleteness> {
  const prepared = prepare(data);
  const out = new Map<string, EntityCompleteness>();
  for (const entity of req.entities) {
    out.set(entity, computeEntityCompleteness(prepared, { kind: req.kind, entity, date: req.date, windows: req.windows }));
  }
  return out;
}

/** The window with this id, or throws (the registry guarantees primary windows exist). */
export function windowById(result: EntityCompleteness, id: string): WindowResult {
  const w = result.windows.find((x) => x.id === id);
  if (!w) throw new RangeError(`No window ${id} for ${result.entity}`);
  return w;
}
