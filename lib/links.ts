/** Hrefs of the console's pages, built in one place. Client-safe. */
import { type ParamPatch, hrefFor } from "./href";

/** An entity's page for one date: `/entities/<id>?date=YYYY-MM-DD`. */
export function entityHref(entityId: string, date?: string | null): string {
  return hrefFor(`/entities/${encodeURIComponent(entityId)}`, { date });
}

/** The attempt timeline of one breaker key (history filtered to it). */
export function timelineHref(processor: string, entityId: string, analysisDate: string): string {
  return hrefFor("/breakers", { tab: "history", processor, entity: entityId, date: analysisDate });
}

export function breakersHref(patch: ParamPatch = {}): string {
  return hrefFor("/breakers", patch);
}

export function entitiesHref(patch: ParamPatch = {}): string {
  return hrefFor("/entities", patch);
}

export function trendsHref(patch: ParamPatch = {}): string {
  return hrefFor("/trends", patch);
}

/** An incident's page: `/incidents/<id>` (ids are letters, digits and `_ - . :`). */
export function incidentHref(id: string, patch: ParamPatch = {}): string {
  return hrefFor(`/incidents/${encodeURIComponent(id)}`, patch);
}

/** The CSV of an incident's keys, from the API (the browser's session authorizes it). */
export function incidentCsvHref(id: string, patch: ParamPatch = {}): string {
  return hrefFor(`/api/v1/incidents/${encodeURIComponent(id)}`, { ...patch, format: "csv" });
}
