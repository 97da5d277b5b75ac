import "server-only";

import { z } from "zod";

import { type IsoDate, addDays, toIsoInstant } from "@/lib/completeness/dates";
import { TRIP_RATE_DAYS, type TripRateRow, tripRateRow } from "@/lib/monitoring/trip-rate";
import type { Warehouse } from "@/lib/warehouse/types";

import { defineQuery } from "./define-query";
import { datesAtNow, datesAtNowTypes, processorListSql } from "./monitoring";
import { breakerEventSql, canonicalProcessorSql, evaluatedEntitiesSql } from "./processor-outputs";

/** Each processor's trip rate over the dates ending at as_of (sql/monitoring/trip_rate.sql). */
export const tripRate = defineQuery({
  name: "trip_rate",
  file: "monitoring/trip_rate.sql",
  params: z.object(datesAtNow),
  types: datesAtNowTypes,
  row: tripRateRow,
  fragments: {
    processor_list: [processorListSql()],
    evaluated_entities: [evaluatedEntitiesSql({ columns: [] })],
    canonical_processor: [canonicalProcessorSql()],
    breaker_event: [breakerEventSql()],
  },
});

/** The trip rate at an evaluation point: the TRIP_RATE_DAYS dates ending at `asOf`, trips attempted by `now`. */
export function runTripRate(wh: Warehouse, at: { as_of: IsoDate; now: string }): Promise<TripRateRow[]> {
  return tripRate.run(wh, { date_from: addDays(at.as_of, -(TRIP_RATE_DAYS - 1)), date_to: at.as_of, now: toIsoInstant(at.now) });
}
