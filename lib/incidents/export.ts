/**
 * What the incidents API answers, and the CSV of an incident's keys. Client-safe and pure: the
 * routes, the incident page's CSV link and the CLI share one shape.
 *
 * - The list rows are the incidents as read (`keys` is the number of keys).
 * - An incident's answer is the incident with its keys under `keys` (a list) and their number
 *   under `key_count`: one name, one meaning per answer.
 */
import type { Incident, IncidentDetail, IncidentKey } from "@/lib/completeness/incidents";
import { type CsvColumn, toCsv } from "@/lib/format";

export type IncidentRow = Incident;

export type IncidentBody = Omit<Incident, "keys"> & { key_count: number; keys: IncidentKey[] };

export function incidentBody(detail: IncidentDetail): IncidentBody {
  const { keys_list, keys, ...incident } = detail;
  return { ...incident, key_count: keys, keys: keys_list };
}

const KEY_COLUMNS: readonly CsvColumn<IncidentKey>[] = [
  { header: "processor", value: (k) => k.processor },
  { header: "entity_id", value: (k) => k.entity_id },
  { header: "analysis_date", value: (k) => k.analysis_date },
  { header: "state", value: (k) => k.state },
  { header: "recovered", value: (k) => k.recovered },
  { header: "still_missing", value: (k) => k.still_missing },
  { header: "outcome", value: (k) => k.outcome },
  { header: "failed_at", value: (k) => k.failed_at },
  { header: "tripped_at", value: (k) => k.tripped_at },
];

/** One line per key, in the incident's order; formula-injection safe (lib/format.ts). */
export function incidentKeysCsv(detail: IncidentDetail): string {
  return toCsv(KEY_COLUMNS, detail.keys_list);
}

/** A file name that says which incident (its id is letters, digits and `_ - . :` only). */
export function incidentCsvFilename(id: string): string {
  return `incident-${id.replace(/[^A-Za-z0-9_.-]/g, "_")}-keys.csv`;
}
