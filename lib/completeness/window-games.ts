/**
 * Window results from the per-game rows the completeness SQL returns (one row per entity and
 * candidate game, with what the upstream holds for it). The SQL selects the games; this counts
 * every window of the processor from them, so one query serves all windows. Pure, client-safe.
 *
 * The same rules as windows.ts (the reference calculation that integration tests compare this
 * path against): a game is present when the entity's own row is there, or — for a player —
 * when the team's box score is there and the raw box score does not show the player playing
 * (DNP, inactive, not yet on the roster). Every other expected game is missing.
 */
import { type IsoDate, addDays, instantMicros } from "./dates";
import type { WindowSpec } from "./processors";
import { type DnpGame, type GameRef, type WindowResult, windowResult } from "./windows";

export interface WindowGame {
  team: string;
  game_id: string;
  game_date: IsoDate;
  opponent: string;
  /** 1 = the team's most recent final game before the date. */
  games_back: number;
  entity_row_present: boolean;
  team_box_present: boolean;
  played_per_raw: boolean;
  /** The game predates the player's current stint with the team (trade or signing). */
  before_joining: boolean;
  /**
   * When each flag's rows first arrived (earliest processed_at; null when the flag is false or
   * the arrival was not recorded). Rows are appended, never removed, so a flag was true at an
   * earlier instant t when it is true now and arrived at or before t (`asObservedAt`).
   */
  entity_row_arrived_at?: string | null;
  team_box_arrived_at?: string | null;
  played_arrived_at?: string | null;
}

/** What a check at instant `at` saw of a game read later (from its arrival times). */
export function asObservedAt(game: WindowGame, at: string): WindowGame {
  const atUs = instantMicros(at);
  const was = (present: boolean, arrived: string | null | undefined) => present && (arrived == null || instantMicros(arrived) <= atUs);
  return {
    ...game,
    entity_row_present: was(game.entity_row_present, game.entity_row_arrived_at),
    team_box_present: was(game.team_box_present, game.team_box_arrived_at),
    played_per_raw: was(game.played_per_raw, game.played_arrived_at),
  };
}

/** How one candidate game counts. */
export function gameStatus(game: WindowGame): "present" | "dnp" | "missing" {
  if (game.entity_row_present) return "present";
  if (game.team_box_present && !game.played_per_raw) return "dnp";
  return "missing";
}

export function windowsFromGames(
  games: readonly WindowGame[],
  windows: readonly WindowSpec[],
  date: IsoDate,
  seasonStart: IsoDate,
): { team: string | null; windows: WindowResult[] } {
  const team = games[0]?.team ?? null;
  const to = addDays(date, -1);
  return {
    team,
    windows: windows.map((w) => {
      const daysFrom = addDays(date, -w.size);
      const from = w.kind === "days" && daysFrom >= seasonStart ? daysFrom : seasonStart;
      const inWindow = games
        .filter((g) => (w.kind === "games" ? g.games_back <= w.size : g.game_date >= from && g.game_date <= to))
        .filter((g, i, all) => all.findIndex((o) => o.game_id === g.game_id) === i) // a game listed twice is one game
        .sort((a, b) => (a.game_date < b.game_date ? -1 : a.game_date > b.game_date ? 1 : a.game_id < b.game_id ? -1 : 1));
      const missingGames: GameRef[] = [];
      const dnpGames: DnpGame[] = [];
      let actual = 0;
      for (const g of inWindow) {
        const status = gameStatus(g);
        const ref = { game_id: g.game_id, game_date: g.game_date, opponent: g.opponent };
        if (status === "missing") missingGames.push(ref);
        else {
          actual++;
          if (status === "dnp") dnpGames.push({ ...ref, reason: g.before_joining ? "before_joining" : "dnp" });
        }
      }
      return windowResult(w, {
        team,
        from: team === null ? null : from,
        to: team === null ? null : to,
        expected: inWindow.length,
        actual,
        missingGames,
        dnpGames,
      });
    }),
  };
}
