import "server-only";

import { cache } from "react";

import { type Actor, requireRole } from "@/lib/auth/session";
import { type Incident, type IncidentDetail, incidentSummary } from "@/lib/completeness/incidents";
import { cachedIncidents } from "@/lib/engine/incidents";
import { getWarehouse } from "@/lib/warehouse";

import { getSeasonCalendar } from "./calendar";
import { getDeployment } from "./deployment";
import { MonitoringParamError, defaultNow, parseMonitoringParams } from "./monitoring";

/**
 * Incidents for pages and the API: the role is checked first (viewer and up), then the engine's
 * computation (lib/engine/incidents.ts) answers — recomputed only when the data version changed,
 * shared by concurrent callers, per process. Parameters as the monitoring reads take them:
 * `as_of` (a date: keys up to that analysis date; default all) and `now` (an instant; default
 * the current one, rounded like the monitoring reads' default). Bad values throw
 * `MonitoringParamError` naming the field (the API answers 400).
 */

export interface IncidentParams {
  asOf?: string;
  now?: string;
}

export interface IncidentsRead {
  now: string;
  /** Open first, worst first (most open keys). */
  incidents: Incident[];
  /** Breakers active now that no incident explains (e.g. tripped before the 30-day scope). */
  unexplained: number;
}

async function compute(asOfParam: string | undefined, nowParam: string | undefined) {
  const parsed = parseMonitoringParams({ as_of: asOfParam, now: nowParam });
  if (!parsed.ok) throw new MonitoringParamError(parsed.field, parsed.error);
  return cachedIncidents(getWarehouse(), {
    now: parsed.params.now ?? defaultNow(),
    asOf: parsed.params.as_of,
    deployment: getDeployment(),
    calendar: getSeasonCalendar(),
  });
}

// React cache() memoizes per server request by argument identity, so it gets primitives.
const computeOncePerRequest = cache(compute);

export async function readIncidents(params: IncidentParams = {}, actor?: Actor | null): Promise<IncidentsRead> {
  await requireRole("viewer", actor);
  const result = await computeOncePerRequest(params.asOf, params.now);
  return { now: result.now, incidents: result.incidents.map(incidentSummary), unexplained: result.unexplained };
}

/** One incident with its keys (state, recovered, what is still missing, override outcome), or null. */
export async function readIncident(id: string, params: IncidentParams = {}, actor?: Actor | null): Promise<IncidentDetail | null> {
  await requireRole("viewer", actor);
  const result = await computeOncePerRequest(params.asOf, params.now);
  return result.incidents.find((i) => i.id === id) ?? null;
}
