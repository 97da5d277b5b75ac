import "server-only";

import { cache } from "react";

import { type Actor, requireRole } from "@/lib/auth/session";
import type { MonitoringParams } from "@/lib/monitoring/schemas";
import { type TripRateRow, tripRateRow } from "@/lib/monitoring/trip-rate";
import { runTripRate } from "@/lib/queries/trip-rate";
import { getWarehouse } from "@/lib/warehouse";

import { readAtEvaluationPoint } from "./monitoring";

export interface TripRatesRead {
  as_of: string;
  now: string;
  read_at: string;
  /** One per registry processor, in registry order. */
  rows: TripRateRow[];
  stale?: true;
  error?: string;
}

async function readTripRates(asOf: string | undefined, now: string | undefined): Promise<TripRatesRead> {
  return readAtEvaluationPoint("trip_rate", { as_of: asOf, now }, async (at) => ({
    rows: (await runTripRate(getWarehouse(), at)).map((r) => tripRateRow.parse(r)),
  }));
}

const readOncePerRequest = cache(readTripRates);

/**
 * Each processor's trip rate over the 30 dates ending at `as_of` (default: data as of), trips
 * attempted by `now`: viewers and up. Cached like the monitoring reads.
 */
export async function getTripRates(params: MonitoringParams = {}, actor?: Actor | null): Promise<TripRatesRead> {
  await requireRole("viewer", actor);
  return readOncePerRequest(params.as_of, params.now);
}
