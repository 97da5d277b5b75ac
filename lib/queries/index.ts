import "server-only";

import { auditByRequest, deleteKeyRows, keyRows, keysUnchanged, trippedKeys } from "./breakers";
import { gamesOnDate, playerGameTeams, playerWindowGames, teamWindowGames, upstreamReadiness } from "./completeness";

/** Every query definition. A test checks one definition per SQL file and every parameter used. */
export const ALL_QUERIES = [playerWindowGames, teamWindowGames, upstreamReadiness, gamesOnDate, playerGameTeams, keyRows, keysUnchanged, auditByRequest, deleteKeyRows, trippedKeys] as const;
