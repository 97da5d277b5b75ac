import "server-only";
/**
 * BigQuery values → the row contract of types.ts (plain, JSON-safe values, the same as the
 * embedded backend returns). Pure: no I/O, no clock, no time zone.
 *
 * What `@google-cloud/bigquery` 8.3.1 hands back (with `wrapIntegers: true`), and what we make
 * of it:
 *
 *   DATE       BigQueryDate { value: "2024-01-05" }                → "2024-01-05"
 *   TIMESTAMP  BigQueryTimestamp { value: "…56.789123000Z" }       → "…56.789123Z" (µs kept;
 *                                                                   "…56.789Z" for a whole ms)
 *   DATETIME   BigQueryDatetime { value: "2024-01-05T10:00:00" }   → that string (not in the contract)
 *   TIME       BigQueryTime { value: "10:00:00" }                  → that string (not in the contract)
 *   GEOGRAPHY  Geography { value: "POINT(1 2)" }                   → the WKT string
 *   INT64      BigQueryInt (a Number subclass, `value` a string)   → number, if a safe integer
 *   NUMERIC, BIGNUMERIC  Big (big.js)                              → number
 *   BYTES      Buffer                                              → base64 string
 *   ARRAY → array, STRUCT → plain object, each element normalized; NULL → null.
 */
import { BigQueryDate, BigQueryDatetime, BigQueryInt, BigQueryTime, BigQueryTimestamp, Geography } from "@google-cloud/bigquery";

import type { Row } from "./types";

export function normalizeRow(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) out[key] = normalizeValue(value);
  return out;
}

export function normalizeValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      // FLOAT64 NaN/±Infinity arrive as such (BigQuery sends "NaN", "Infinity"); they stay
      // numbers, and JSON.stringify will print them as null.
      return value;
    case "bigint":
      return safeInteger(value.toString());
    case "object":
      break;
    default:
      throw new TypeError(`normalize: unexpected ${typeof value} in a BigQuery row`);
  }
  // Wrapper classes first: each one holds its payload in `value`, so they must be recognised
  // by class, never by shape — a STRUCT with a field called `value` is a plain object.
  if (value instanceof BigQueryTimestamp) return timestampToIso(value.value);
  if (value instanceof BigQueryDate) return dateToIso(value.value);
  if (value instanceof BigQueryDatetime || value instanceof BigQueryTime || value instanceof Geography) {
    return value.value;
  }
  // BigQueryInt extends Number, so it is an object here; its exact digits are in `value`.
  if (value instanceof BigQueryInt) return safeInteger(value.value);
  if (isBig(value)) return Number(value.toString());
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(normalizeValue);
  // A STRUCT (plain object) — or, best effort, a wrapper this module does not know (RANGE):
  // its own enumerable fields, normalized.
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = normalizeValue(v);
  return out;
}

/**
 * A BigQuery TIMESTAMP string → `YYYY-MM-DDTHH:mm:ss.sssZ`, or `…ss.ssssssZ` when the instant is
 * not a whole millisecond (the row contract, the same as the embedded backend). The client
 * gives microseconds as nanosecond digits (`.789123000Z`, from `useInt64Timestamp`), whole
 * milliseconds as `.789Z`. BigQuery stores microseconds and the pipeline writes them
 * (CURRENT_TIMESTAMP()): they are kept, never rounded or truncated, because a value read back is
 * compared with what is stored (the write guard compares MAX(attempted_at) exactly). Digits
 * beyond the microsecond (always zero from BigQuery) are dropped, by string, not through `Date`.
 *
 * Known client quirk we cannot undo here: for instants less than one second *before* the epoch
 * (1969-12-31T23:59:59.000001Z … .999999Z) the client's PreciseDate loses the sign and hands us
 * a time just after the epoch. No data this console reads lives in that second.
 */
export function timestampToIso(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(text);
  if (m) {
    const micros = (m[2] ?? "").padEnd(6, "0").slice(0, 6);
    return `${m[1]}.${micros.endsWith("000") ? micros.slice(0, 3) : micros}Z`;
  }
  const parsed = new Date(text);
  if (Number.isNaN(parsed.getTime())) throw new RangeError(`normalize: unreadable TIMESTAMP ${JSON.stringify(text)}`);
  return parsed.toISOString();
}

/** `BigQuery.date({ year, month, day })` can produce unpadded `2024-1-5`; the wire never does. */
function dateToIso(text: string): string {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (!m) throw new RangeError(`normalize: unreadable DATE ${JSON.stringify(text)}`);
  return `${m[1]}-${m[2]!.padStart(2, "0")}-${m[3]!.padStart(2, "0")}`;
}

/**
 * INT64 → number only when exact. Rounding a 64-bit id or count silently would be a data-quality
 * bug in a data-quality console; callers with such values must `CAST(x AS STRING)` in SQL.
 */
function safeInteger(digits: string): number {
  const n = Number(digits);
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(
      `normalize: INT64 ${digits} is outside JavaScript's safe integer range; CAST it to STRING in the query`,
    );
  }
  return n;
}

/**
 * big.js instances (NUMERIC, BIGNUMERIC). Recognised by shape — sign `s`, exponent `e`, digit
 * array `c` — because big.js is the client's dependency, not ours, and its class is not
 * exported by `@google-cloud/bigquery`. The contract wants numbers, so NUMERIC values with more
 * than ~15 significant digits lose precision; format them in SQL when that matters.
 */
interface BigLike {
  s: number;
  e: number;
  c: number[];
  toFixed(): string;
}

function isBig(value: object): value is BigLike {
  const v = value as Partial<Record<keyof BigLike, unknown>>;
  return typeof v.s === "number" && typeof v.e === "number" && Array.isArray(v.c) && typeof v.toFixed === "function";
}
