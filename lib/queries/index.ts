import "server-only";

import { attemptsBetween, auditByRequest, auditKeys, auditLog, auditPage, auditRecord, deleteKeyRows, failingKeys, keyRows, keysUnchanged, overriddenKeys, processedOutputs, resetRecords, trippedKeys } from "./breakers";
import { checkGuard, checkedEntities, reportedOutcomes, runPlayers, runTeams } from "./checks";
import { upstreamLanded } from "./demo";
import { gamesOnDate, playerGameTeams, playerWindowGames, teamWindowGames, upstreamReadiness } from "./completeness";
import { incidentDataVersion, incidentGameArrivals, incidentReadySince, incidentScopeRows } from "./incidents";
import { MONITORING_DEFINITIONS } from "./monitoring";
import { entityOutputDates, entityOutputs, knownEntities } from "./entity";
import { overrideTrendKeys } from "./override-trends";
import { revokedSessionIds } from "./sessions";
import { tokenList, tokenLookup, tokenNameFree, tokenRevoke } from "./tokens";
import { tripRate } from "./trip-rate";
import { thresholdPassCounts } from "./thresholds";
import { trendAnnotations } from "./trend-annotations";

/** Every query definition. A test checks one definition per SQL file and every parameter used. */
export const ALL_QUERIES = [playerWindowGames, teamWindowGames, upstreamReadiness, gamesOnDate, playerGameTeams, keyRows, keysUnchanged, auditByRequest, deleteKeyRows, resetRecords, trippedKeys, failingKeys, processedOutputs, overriddenKeys, auditLog, auditPage, auditRecord, auditKeys, entityOutputs, entityOutputDates, knownEntities, ...MONITORING_DEFINITIONS, overrideTrendKeys, tokenLookup, tokenList, tokenNameFree, tokenRevoke, revokedSessionIds, thresholdPassCounts, checkedEntities, reportedOutcomes, checkGuard, runTeams, runPlayers, attemptsBetween, upstreamLanded, incidentScopeRows, incidentGameArrivals, incidentReadySince, incidentDataVersion, trendAnnotations, tripRate] as const;
