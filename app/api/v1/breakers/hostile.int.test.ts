/**
 * Hostile input: property-based tests (fast-check) send at least 1,000 generated
 * payloads to EACH write endpoint (the four breaker writes, the two token writes and the check
 * service's two, with a pipeline token) — wrong types, huge strings, unicode, SQL, HTML, missing and
 * extra fields (including `__proto__`), dates out of range and impossible dates, unknown
 * processors, arrays/null/numbers at the top level, bodies that are not JSON, bodies over the
 * 1 MB limit — through the route handlers with real Requests, a valid operator (admin for
 * reset) session and a same-site Origin, so every refusal comes from validation, not auth.
 *
 * Each payload must get a 4xx (never 2xx, never 5xx) with a JSON body, and the row count of
 * EVERY table of the schema (read from information_schema, checked against sql/schema/) must be
 * unchanged. Real tripped breakers are seeded first and every generated body starts from a
 * VALID body aimed at them, so a payload that slipped through validation would write; each
 * generated body then carries at least one violation by construction (the generators never use
 * the schemas under test to decide validity). Payloads that are well-formed but name keys that
 * do not exist (or a token no preview issued) are sent too: they must be a 409 with nothing
 * written. Finally a control per endpoint shows a valid payload in the same harness does
 * succeed and change the counts — so the test can fail.
 *
 * Deterministic: fixed seeds (override with FC_SEED=<n>); fast-check prints the seed and the
 * shrunk counterexample on failure. HOSTILE_RUNS raises the number of payloads (minimum 1,000).
 */
import { readdirSync } from "node:fs";
import path from "node:path";

import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { POST as bulkApply } from "@/app/api/v1/breakers/bulk-override/route";
import { POST as bulkPreview } from "@/app/api/v1/breakers/bulk-override/preview/route";
import { POST as override } from "@/app/api/v1/breakers/override/route";
import { POST as reset } from "@/app/api/v1/breakers/reset/route";
import { POST as outcomesRoute } from "@/app/api/v1/checks/[runId]/outcomes/route";
import { POST as checkRoute } from "@/app/api/v1/checks/route";
import { POST as tokenCreate } from "@/app/api/v1/tokens/route";
import { POST as tokenRevoke } from "@/app/api/v1/tokens/revoke/route";
import { ROLES } from "@/lib/auth/roles";
import { configEntry, generateToken, hashToken } from "@/lib/auth/token-format";
import { REASON_CODES } from "@/lib/breakers/schemas";
import { addDays } from "@/lib/completeness/dates";
import { PROCESSORS, PROCESSOR_NAMES } from "@/lib/completeness/processors";
import type { Warehouse } from "@/lib/warehouse/types";
import { trippedRows } from "@/test/support/console-warehouse";
import { clearAll, insertAttempts, insertSchedule, memoryWarehouse, scheduleGame } from "@/test/support/fixtures";
import { sessionCookie } from "@/test/support/session";

const SEED = Number(process.env.FC_SEED ?? 20_260_707);
const RUNS = Math.max(1_000, Number(process.env.HOSTILE_RUNS ?? 1_000));
const ORIGIN = "http://console.test";
// The test requests go to this host name: allowed like a configured public name would be.
process.env.ALLOWED_HOSTS = "console.test";
// The check service: a pipeline token, and every processor read by the console's rules.
const PIPELINE_TOKEN = generateToken();
process.env.API_TOKENS = configEntry({ name: "hostile-pipeline", role: "pipeline", sha256: hashToken(PIPELINE_TOKEN) });
process.env.BREAKER_READERS = "console";
const BEARER = `Bearer ${PIPELINE_TOKEN}`;
const holder = globalThis as typeof globalThis & { __completenessWarehouse?: Warehouse };
let wh: Warehouse;
let tables: string[] = [];

// ---------------------------------------------------------------------------------------------
// The seeded state: tripped breakers a valid payload would change.

const TODAY = new Date().toISOString().slice(0, 10);
const KEY_DATE = addDays(TODAY, -2);
const SEEDED = [
  { processor: "player_daily_cache", entity_id: "lebronjames", analysis_date: KEY_DATE },
  { processor: "player_shot_zone_analysis", entity_id: "stephencurry", analysis_date: KEY_DATE },
  { processor: "team_defense_zone_analysis", entity_id: "LAL", analysis_date: addDays(TODAY, -3) },
  { processor: "ml_feature_store", entity_id: "nikolajokic", analysis_date: addDays(TODAY, -4) },
  { processor: "upcoming_team_game_context", entity_id: `BOS_${addDays(TODAY, -3)}`, analysis_date: addDays(TODAY, -3) },
] as const;
const KEY = SEEDED[0];

async function seed(): Promise<void> {
  const rows = SEEDED.flatMap(trippedRows);
  await insertAttempts(wh, rows);
  // Rows in other tables too, so "every table unchanged" is not only about empty tables.
  await insertSchedule(wh, [scheduleGame("0022400001", KEY_DATE, "LAL", "BOS"), scheduleGame("0022400002", addDays(TODAY, -3), "BOS", "LAL")]);
}

/** Every base table of the database, as `schema.table`. */
async function listTables(): Promise<string[]> {
  const rows = await wh.query<{ name: string }>(
    "SELECT table_schema || '.' || table_name AS name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY name",
  );
  return rows.map((r) => r.name);
}

/** Row counts of every table, in one query. */
async function counts(): Promise<Record<string, number>> {
  const sql = tables.map((t) => `SELECT '${t}' AS t, COUNT(*) AS n FROM ${t}`).join(" UNION ALL ");
  const rows = await wh.query<{ t: string; n: number }>(sql);
  return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]));
}

beforeAll(async () => {
  wh = memoryWarehouse();
  holder.__completenessWarehouse = wh;
  tables = await listTables();
  console.info(`[hostile] fast-check seed ${SEED}, ${RUNS} payloads per endpoint`);
});
afterAll(async () => {
  delete holder.__completenessWarehouse;
  await wh.close();
});
beforeEach(async () => {
  await clearAll(wh);
  await seed();
});

// ---------------------------------------------------------------------------------------------
// Sending

type Handler = (request: Request) => Promise<Response>;
/** A payload: a value sent as JSON, or raw bytes/text sent as is. */
type Payload = { kind: string; json: unknown } | { kind: string; raw: string | Uint8Array };

/** `credentials`: a session cookie, or `Bearer <token>`. */
function post(route: string, payload: Payload, credentials: string): Request {
  const body = "json" in payload ? JSON.stringify(payload.json) : payload.raw;
  const auth: Record<string, string> = credentials.startsWith("Bearer ") ? { authorization: credentials } : { cookie: credentials };
  return new Request(`${ORIGIN}${route}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN, host: "console.test", ...auth },
    body: body as BodyInit,
  });
}

/** A payload in a failure message: long strings shortened, so a 2 MB body does not flood the log. */
function show(payload: Payload): string {
  const short = (s: string) => (s.length > 160 ? `${JSON.stringify(s.slice(0, 80))}…(${s.length} chars)` : JSON.stringify(s));
  if ("raw" in payload) return `${payload.kind} raw ${typeof payload.raw === "string" ? short(payload.raw) : `${payload.raw.length} bytes`}`;
  return `${payload.kind} ${JSON.stringify(payload.json, (_k, v: unknown) => (typeof v === "string" && v.length > 160 ? short(v) : v))?.slice(0, 2_000)}`;
}

/**
 * Send one payload and check the invariant: a 4xx (the expected one for the kind), a JSON error
 * body (naming the field for a 400), and every table's row count unchanged.
 */
async function sendHostile(handler: Handler, route: string, payload: Payload, cookie: string, before: Record<string, number>, tally: Map<string, number>) {
  const res = await handler(post(route, payload, cookie));
  const text = await res.text();
  const key = `${payload.kind} → ${res.status}`;
  tally.set(key, (tally.get(key) ?? 0) + 1);
  const where = `${route}: ${res.status} for ${show(payload)}\nresponse: ${text.slice(0, 500)}`;
  if (res.status < 400 || res.status >= 500) throw new Error(`expected a 4xx — ${where}`);
  const expected = payload.kind === "well-formed, no such key" ? [404, 409] : [400, 413];
  if (!expected.includes(res.status)) throw new Error(`expected ${expected.join(" or ")} — ${where}`);
  if (!/^application\/json/.test(res.headers.get("content-type") ?? "")) throw new Error(`error body is not JSON — ${where}`);
  const body = JSON.parse(text) as { ok?: boolean; error?: unknown; fieldErrors?: Record<string, unknown> };
  if (typeof body.error !== "string" || body.ok === true) throw new Error(`error body without an error — ${where}`);
  if (res.status === 400 && Object.keys(body.fieldErrors ?? {}).length === 0) throw new Error(`400 without the field named — ${where}`);
  const after = await counts();
  if (JSON.stringify(after) !== JSON.stringify(before)) {
    throw new Error(`rows changed — ${where}\nbefore ${JSON.stringify(before)}\nafter  ${JSON.stringify(after)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Hostile values. Every generator below is invalid BY CONSTRUCTION for the field it is used on
// (the contract: lib/breakers/schemas.ts), decided without calling the schemas themselves.

const SQL = [
  "' OR '1'='1",
  "'; DROP TABLE nba_orchestration.reprocess_attempts; --",
  "1; DELETE FROM nba_orchestration.breaker_audit_log WHERE TRUE",
  '" OR ""="',
  "player_daily_cache' --",
  "lebronjames' UNION SELECT * FROM nba_orchestration.api_tokens --",
  "$1",
  "@request_id",
  "`nba_orchestration`.`reprocess_attempts`",
  "COPY (SELECT 1) TO '/tmp/x.csv'",
  "ATTACH '/tmp/evil.duckdb' AS evil",
  "2026-11-20'::DATE; --",
  "\\'; --",
  "%' AND 1=1 --",
];
const HTML = [
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  '"><svg/onload=alert(1)>',
  "javascript:alert(1)",
  "<!--",
  "]]>",
  "&lt;b&gt;",
  "{{constructor.constructor('alert(1)')()}}",
  "${7*7}",
];
const UNICODE = [
  "\u0000",
  "\u202Elebronjames",
  "lebron\u200Bjames",
  "ＬＡＬ",
  "L\u0391L", // Greek capital alpha
  "😀".repeat(20),
  "\uD800",
  "é",
  "İstanbul",
  "straße",
  "\r\n",
  "\t",
  "ℒ𝒜ℒ",
  "lebronjames\u0301",
];
const MISC = ["../../etc/passwd", "%00", "%27%20OR%201=1", "null", "undefined", "NaN", "true", "[]", "{}", "", " ", "\\", "\\u0000"];

const anyHostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SQL, ...HTML, ...UNICODE, ...MISC) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 80 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 80 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom("lebronjames", "LAL", "player_daily_cache", KEY_DATE, "req-12345678"), fc.constantFrom(...SQL, ...HTML, ...UNICODE))
      .map(([valid, evil]) => valid + evil),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 1_000, max: 300_000 }), fc.constantFrom("a", "'", "<", "😀", "\u0000", "x' OR 1=1 -- ", "é"))
      .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length))),
  },
);

/** Any JSON value that is not a string (and never an array or an object with a real field name). */
const notAString: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(1e308, -0, Number.MAX_SAFE_INTEGER + 2, 0, 1),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 10 }).map((k) => `x${k}`), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
);
/** Not an array: for the filter's array fields ([] would be valid there). */
const notAnArray: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  anyHostileString,
  fc.constantFrom("player_daily_cache", "lebronjames"),
  fc.dictionary(fc.string({ maxLength: 10 }).map((k) => `x${k}`), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
);

const KNOWN_PROCESSORS = new Set(PROCESSORS.flatMap((p) => [p.name, ...p.aliases]));
const badProcessor: fc.Arbitrary<unknown> = fc.oneof(
  notAString,
  fc
    .oneof(
      anyHostileString,
      fc.constantFrom(
        "player_daily_cache_v2",
        "PLAYER_DAILY_CACHE",
        "nba_precompute.",
        "ml_feature_store_v3",
        "nba_predictions.ml_feature_store_v2; DROP TABLE x",
        "player daily cache",
        "player-daily-cache",
        "__proto__",
        "constructor",
        "toString",
        "hasOwnProperty",
      ),
    )
    // resolveProcessorName trims: " player_daily_cache " is a known name, so it is excluded here.
    .filter((s) => !KNOWN_PROCESSORS.has(s.trim())),
);

/** ENTITY_PATTERN only has [A-Za-z0-9_-]: any other character (or none) makes an id invalid. */
const badEntity: fc.Arbitrary<unknown> = fc.oneof(
  notAString,
  anyHostileString.filter((s) => s.length === 0 || /[^A-Za-z0-9_-]/.test(s)),
  fc.constantFrom("a", "x".repeat(65), "LA", "LALL", "lal_2024-12-15", "LAL_2024-12-5", "LAL_20241215", "LeBronJames", "lebron_james", "lebron-james", "LAL_", "_LAL", "1"),
);

const pad = (n: number, width = 2) => String(n).padStart(width, "0");
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const badDate: fc.Arbitrary<unknown> = fc.oneof(
  notAString,
  anyHostileString.filter((s) => !/^\d{4}-\d{2}-\d{2}$/.test(s)),
  // Out of the range the pipeline can have (2000-01-01 … 2100-12-31).
  fc
    .tuple(fc.oneof(fc.integer({ min: 0, max: 1_999 }), fc.integer({ min: 2_101, max: 9_999 })), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
    .map(([y, m, d]) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`),
  // Days that do not exist: month 00 or 13–99, day 00 or 32–99, the 30th/31st of short months, Feb 29 of common years.
  fc.tuple(fc.integer({ min: 2_000, max: 2_100 }), fc.oneof(fc.constant(0), fc.integer({ min: 13, max: 99 })), fc.integer({ min: 0, max: 99 })).map(([y, m, d]) => `${y}-${pad(m)}-${pad(d)}`),
  fc.tuple(fc.integer({ min: 2_000, max: 2_100 }), fc.integer({ min: 1, max: 12 }), fc.oneof(fc.constant(0), fc.integer({ min: 32, max: 99 }))).map(([y, m, d]) => `${y}-${pad(m)}-${pad(d)}`),
  fc.tuple(fc.integer({ min: 2_000, max: 2_100 }), fc.constantFrom("02-30", "02-31", "04-31", "06-31", "09-31", "11-31")).map(([y, md]) => `${y}-${md}`),
  fc.integer({ min: 2_000, max: 2_100 }).filter((y) => !isLeap(y)).map((y) => `${y}-02-29`),
  fc.constantFrom(`${KEY_DATE}T00:00:00Z`, ` ${KEY_DATE}`, `${KEY_DATE} `, `${KEY_DATE}\n`, KEY_DATE.replaceAll("-", "/"), KEY_DATE.replaceAll("-", ""), `+${KEY_DATE}`, "２０２６-１１-２０", "٢٠٢٦-١١-٢٠", "today", "yesterday"),
);

const badReasonCode: fc.Arbitrary<unknown> = fc.oneof(
  notAString,
  fc.oneof(anyHostileString, fc.constantFrom("DATA_NOW_AVAILABLE", "data_now_available ", "other;", "unknown")).filter((s) => !(REASON_CODES as readonly string[]).includes(s)),
);

/** Reasons must be 10–500 characters once trimmed. */
const badReason: fc.Arbitrary<unknown> = fc.oneof(
  notAString,
  fc
    .tuple(fc.string({ maxLength: 9 }), fc.constantFrom("", "   ", "\t\n", "\u00A0\u2003"))
    .map(([s, ws]) => `${ws}${s}${ws}`)
    .filter((s) => s.trim().length < 10),
  fc.constantFrom("<b>x</b>", "' OR 1=1", "😀😀😀😀", "          ", "\u0000\u0000"),
  fc
    .tuple(fc.integer({ min: 501, max: 400_000 }), fc.constantFrom("a", "<script>", "'; DROP TABLE t; --", "😀", "é"))
    .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)))
    .filter((s) => s.trim().length > 500),
);

const REQUEST_ID_RE = /^[A-Za-z0-9_-]{8,64}$/;
const badRequestId: fc.Arbitrary<unknown> = fc.oneof(
  notAString,
  anyHostileString.filter((s) => !REQUEST_ID_RE.test(s)),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,7}$/),
  fc.stringMatching(/^[A-Za-z0-9_-]{65,200}$/),
);

const TOKEN_RE = /^[A-Za-z0-9_-]{20,100}$/;
const badToken: fc.Arbitrary<unknown> = fc.oneof(
  notAString,
  anyHostileString.filter((s) => !TOKEN_RE.test(s)),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,19}$/),
  fc.stringMatching(/^[A-Za-z0-9_-]{101,300}$/),
);

const badConfirm = (entity: string): fc.Arbitrary<unknown> =>
  fc.oneof(notAString, fc.constantFrom(entity.toUpperCase(), `${entity} `, ` ${entity}`, `${entity}x`, entity.slice(1), ""), anyHostileString.filter((s) => s !== entity));

/** A key a body may carry beside the real fields: never one of them. */
const extraKey = (allowed: readonly string[]): fc.Arbitrary<string> =>
  fc
    .oneof(
      fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "$where", "role", "actor", "admin", "Processor", "processor ", "entityId", "request-id", ""),
      fc.string({ maxLength: 20 }),
      anyHostileString,
    )
    .filter((k) => !allowed.includes(k));

// ---------------------------------------------------------------------------------------------
// Mutating a valid body: 1–3 mutations, each leaving at least one violation by construction.

interface BodySpec {
  /** Every allowed field: its invalid values, and whether it is required. */
  fields: Record<string, { required: boolean; invalid: fc.Arbitrary<unknown>; /** how often it is picked (default 1) */ weight?: number }>;
  /** Mutations that break a rule between fields (each leaves the body invalid on its own). */
  relational?: fc.Arbitrary<{ name: string; apply: (body: Record<string, unknown>) => void }>;
}

type Mutation = { name: string; apply: (body: Record<string, unknown>) => void };

/** Set an own, enumerable property — also for `__proto__`, which plain assignment would not create. */
function setOwn(body: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(body, key, { value, enumerable: true, writable: true, configurable: true });
}

function mutations(spec: BodySpec): fc.Arbitrary<Mutation> {
  const names = Object.keys(spec.fields);
  const required = names.filter((n) => spec.fields[n]!.required);
  const set = fc.oneof(
    ...names.map((name) => ({
      weight: spec.fields[name]!.weight ?? 1,
      arbitrary: spec.fields[name]!.invalid.map((value): Mutation => ({ name: `set ${name}`, apply: (b) => setOwn(b, name, value) })),
    })),
  );
  const remove = fc.constantFrom(...required).map((name): Mutation => ({ name: `remove ${name}`, apply: (b) => void delete b[name] }));
  const extra = fc.tuple(extraKey(names), fc.jsonValue({ maxDepth: 2 })).map(([key, value]): Mutation => ({ name: `extra ${JSON.stringify(key)}`, apply: (b) => setOwn(b, key, value) }));
  const options: fc.WeightedArbitrary<Mutation>[] = [
    { weight: 6, arbitrary: set },
    { weight: 2, arbitrary: remove },
    { weight: 2, arbitrary: extra },
  ];
  if (spec.relational) options.push({ weight: 2, arbitrary: spec.relational });
  return fc.oneof(...options);
}

function mutatedBody(base: () => Record<string, unknown>, spec: BodySpec): fc.Arbitrary<{ body: Record<string, unknown>; applied: string[] }> {
  return fc.array(mutations(spec), { minLength: 1, maxLength: 3 }).map((ms) => {
    const body = base();
    for (const m of ms) m.apply(body);
    return { body, applied: ms.map((m) => m.name) };
  });
}

// ---------------------------------------------------------------------------------------------
// Whole payloads

const notJsonText = (s: string) => {
  try {
    JSON.parse(s);
    return false;
  } catch {
    return true;
  }
};

/** Top-level values, bodies that are not JSON, raw bytes, bodies over 1 MB. */
function shapeless(valid: () => Record<string, unknown>): fc.Arbitrary<Payload>[] {
  const text = JSON.stringify(valid());
  const topLevel = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }).filter((v) => v === null || typeof v !== "object" || Array.isArray(v)),
    fc.constantFrom<unknown>([valid()], [valid(), valid()], text, 0, -1, 1e21, true, false, null, "", [], [[]]),
  );
  const nonJson = fc
    .oneof(
      fc.string({ unit: "grapheme", maxLength: 200 }),
      fc.integer({ min: 1, max: text.length - 1 }).map((n) => text.slice(0, n)),
      fc.constantFrom("}", ",", "x", "<!--", "\u0000", "]", "'").map((g) => text + g),
      fc.constantFrom(
        "{processor: 'player_daily_cache'}",
        "NaN",
        "undefined",
        "{'a':1}",
        "",
        "\uFEFF",
        "{}{}",
        `${text}${text}`,
        "processor=player_daily_cache&entity_id=lebronjames",
        "<override><processor>player_daily_cache</processor></override>",
        text.replace(/"/g, "'"),
      ),
    )
    .filter(notJsonText);
  // A leading 0xFF byte decodes to U+FFFD, which no JSON document starts with.
  const binary = fc.uint8Array({ maxLength: 512 }).map((b) => Uint8Array.of(0xff, ...b));
  const huge = fc.oneof(
    fc.integer({ min: 1_048_577, max: 2_500_000 }).map((n) => "a".repeat(n)),
    fc.integer({ min: 1_048_577, max: 2_000_000 }).map((n) => JSON.stringify({ ...valid(), reason: "a".repeat(n) })),
    fc.integer({ min: 1_048_577, max: 2_000_000 }).map((n) => `[${"0,".repeat(Math.ceil(n / 2))}0]`),
  );
  return [
    topLevel.map((json): Payload => ({ kind: "top-level not an object", json })),
    nonJson.map((raw): Payload => ({ kind: "not JSON", raw })),
    binary.map((raw): Payload => ({ kind: "binary", raw })),
    huge.map((raw): Payload => ({ kind: "over 1 MB", raw })),
  ];
}

function payloads(valid: () => Record<string, unknown>, spec: BodySpec, wellFormedMiss?: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Payload> {
  const [topLevel, nonJson, binary, huge] = shapeless(valid);
  const options: fc.WeightedArbitrary<Payload>[] = [
    { weight: 60, arbitrary: mutatedBody(valid, spec).map(({ body, applied }): Payload => ({ kind: `mutated (${applied.join(", ")})`, json: body })) },
    { weight: 8, arbitrary: topLevel! },
    { weight: 8, arbitrary: nonJson! },
    { weight: 3, arbitrary: binary! },
    { weight: 2, arbitrary: huge! },
  ];
  if (wellFormedMiss) options.push({ weight: 12, arbitrary: wellFormedMiss.map((json): Payload => ({ kind: "well-formed, no such key", json })) });
  return fc.oneof(...options);
}

/** Group a payload kind for the tally: "mutated (set reason)" → "mutated". */
const family = (kind: string) => kind.replace(/ \(.*$/, "");

async function runHostile(name: string, seedOffset: number, handler: Handler, route: string, cookie: string, arb: fc.Arbitrary<Payload>) {
  const before = await counts();
  const tally = new Map<string, number>();
  let sent = 0;
  await fc.assert(
    fc.asyncProperty(arb, async (payload) => {
      sent++;
      await sendHostile(handler, route, payload, cookie, before, tally);
    }),
    { numRuns: RUNS, seed: SEED + seedOffset },
  );
  const byFamily = new Map<string, number>();
  for (const [k, n] of tally) {
    const [kind, status] = k.split(" → ");
    const key = `${family(kind!)} → ${status}`;
    byFamily.set(key, (byFamily.get(key) ?? 0) + n);
  }
  console.info(`[hostile] ${name}: ${sent} payloads, ${JSON.stringify(Object.fromEntries([...byFamily].sort()))}`);
  expect(sent).toBeGreaterThanOrEqual(RUNS);
  expect(await counts()).toEqual(before);
  return before;
}

// ---------------------------------------------------------------------------------------------
// The endpoints

const reasonText = fc
  .tuple(fc.constantFrom(...SQL, ...HTML, ...UNICODE, "Box score landed; verified"), fc.string({ unit: "grapheme", maxLength: 60 }))
  .map(([a, b]) => `${a} ${b} checked upstream`)
  .filter((s) => s.trim().length >= 10 && s.trim().length <= 500);
const requestId = fc.stringMatching(REQUEST_ID_RE);
const validDate = fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2100-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
/** Entities that are well-formed and have no rows (the seeded ones never start with "ghost"). */
const ghostEntity = fc.oneof(fc.stringMatching(/^[a-z0-9]{1,59}$/).map((s) => `ghost${s}`));

const keyFields = {
  processor: { required: true, invalid: badProcessor },
  entity_id: { required: true, invalid: badEntity },
  analysis_date: { required: true, invalid: badDate },
};

const validOverride = () => ({ ...KEY, reason_code: "data_now_available", reason: "Box score landed; verified in the live recheck", request_id: "hostile-override-0001" });
const overrideSpec: BodySpec = {
  fields: {
    ...keyFields,
    reason_code: { required: true, invalid: badReasonCode },
    reason: { required: true, invalid: badReason },
    request_id: { required: true, invalid: badRequestId },
  },
};

const validReset = () => ({ ...KEY, reason: "Clearing history after the schedule fix", request_id: "hostile-reset-0001", confirm: KEY.entity_id });
const resetSpec: BodySpec = {
  fields: {
    ...keyFields,
    reason: { required: true, invalid: badReason },
    request_id: { required: true, invalid: badRequestId },
    confirm: { required: true, invalid: badConfirm(KEY.entity_id) },
  },
};

const FILTER = { date_from: addDays(TODAY, -10), date_to: TODAY };
const validFilter = () => ({ ...FILTER, processors: ["player_daily_cache", "player_shot_zone_analysis", "team_defense_zone_analysis"] });
const filterSpec: BodySpec = {
  fields: {
    date_from: { required: true, invalid: badDate },
    date_to: { required: true, invalid: badDate },
    processors: {
      required: false,
      invalid: fc.oneof(
        notAnArray,
        fc.tuple(fc.array(fc.constantFrom(...PROCESSOR_NAMES), { maxLength: 3 }), badProcessor).map(([ok, bad]) => [...ok, bad]),
        fc.integer({ min: PROCESSOR_NAMES.length * 4 + 1, max: 200 }).map((n) => Array.from({ length: n }, (_, i) => PROCESSOR_NAMES[i % PROCESSOR_NAMES.length])),
      ),
    },
    skip_reasons: {
      required: false,
      invalid: fc.oneof(
        notAnArray,
        fc.tuple(fc.array(fc.constantFrom("incomplete_upstream_data"), { maxLength: 3 }), fc.oneof(fc.constant(""), fc.integer({ min: 101, max: 5_000 }).map((n) => "x".repeat(n)), notAString)).map(([ok, bad]) => [...ok, bad]),
        fc.integer({ min: 21, max: 100 }).map((n) => Array.from({ length: n }, (_, i) => `reason_${i}`)),
      ),
    },
    entities: {
      required: false,
      invalid: fc.oneof(
        notAnArray,
        fc.tuple(fc.array(fc.constantFrom("lebronjames", "LAL"), { maxLength: 3 }), badEntity).map(([ok, bad]) => [...ok, bad]),
        fc.integer({ min: 5_001, max: 6_000 }).map((n) => Array.from({ length: n }, (_, i) => `player${i}`)),
      ),
    },
    only_recovered: { required: false, invalid: fc.oneof(fc.integer(), fc.constantFrom("true", "false", "", null, [], {}), anyHostileString) },
  },
  relational: fc.oneof(
    // date_to before date_from
    fc.tuple(validDate, fc.integer({ min: 1, max: 400 })).map(([from, back]): Mutation => ({
      name: "date_to before date_from",
      apply: (b) => {
        b.date_from = from;
        b.date_to = addDays(from, -back);
      },
    })),
    // a day that does not exist inside an otherwise short range (so the range rule cannot be
    // what refuses it): 2026-02-30 … 2026-03-05, or 2026-04-28 … 2026-04-31
    fc
      .tuple(fc.integer({ min: 2_000, max: 2_099 }), fc.constantFrom("02-30", "02-31", "04-31", "06-31", "09-31", "11-31", "02-29"), fc.boolean())
      .filter(([y, md]) => md !== "02-29" || !isLeap(y))
      .map(([y, md, asFrom]): Mutation => ({
        name: `impossible ${asFrom ? "date_from" : "date_to"} in a short range`,
        apply: (b) => {
          const near = `${y}-${md.slice(0, 2)}-28`;
          b.date_from = asFrom ? `${y}-${md}` : near;
          b.date_to = asFrom ? addDays(near, 5) : `${y}-${md}`;
        },
      })),
    // a range of more than 62 days (MAX_BULK_DAYS)
    fc.tuple(validDate.filter((d) => d <= "2100-06-01"), fc.integer({ min: 63, max: 200 })).map(([from, days]): Mutation => ({
      name: "range over 62 days",
      apply: (b) => {
        b.date_from = from;
        b.date_to = addDays(from, days);
      },
    })),
  ),
};

function bulkApplyBody(token: string) {
  return () => ({ filter: validFilter(), token, reason_code: "scraper_outage_backfilled", reason: "Outage backfilled and verified", request_id: "hostile-bulk-0001" });
}
function bulkApplySpec(): BodySpec {
  return {
    fields: {
      // The filter has as many ways to be wrong as the preview's body: it is picked as often.
      filter: {
        required: true,
        weight: 5,
        invalid: fc.oneof(
          { weight: 1, arbitrary: notAnArray.filter((v) => v === null || typeof v !== "object") },
          { weight: 1, arbitrary: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }) },
          { weight: 6, arbitrary: mutatedBody(validFilter, filterSpec).map(({ body }) => body) },
        ),
      },
      token: { required: true, invalid: badToken },
      reason_code: { required: true, invalid: badReasonCode },
      reason: { required: true, invalid: badReason },
      request_id: { required: true, invalid: badRequestId },
    },
  };
}

// API tokens (lib/auth/token-format.ts): a name of 2–63 of [a-z0-9._-] starting with a letter
// or digit, and a role.
const TOKEN_NAME_RE = /^[a-z0-9][a-z0-9._-]{1,62}$/;
const badTokenName: fc.Arbitrary<unknown> = fc.oneof(
  notAString,
  anyHostileString.filter((s) => !TOKEN_NAME_RE.test(s)),
  fc.constantFrom("a", "x".repeat(64), "Ops-Admin", "ops admin", "-ops", ".ops", "_ops", "ops/admin", "token:ops", "ops\n"),
);
const badRole: fc.Arbitrary<unknown> = fc.oneof(
  notAString,
  fc.oneof(anyHostileString, fc.constantFrom("Admin", "ADMIN", "root", "superuser", "admin ", "operator,admin")).filter((s) => !(ROLES as readonly string[]).includes(s)),
);
const tokenCreateSpec: BodySpec = { fields: { name: { required: true, invalid: badTokenName }, role: { required: true, invalid: badRole } } };
const tokenRevokeSpec: BodySpec = { fields: { name: { required: true, invalid: badTokenName } } };
const validTokenCreate = () => ({ name: "hostile-created", role: "operator" });
const validTokenRevoke = () => ({ name: "hostile-taken" });

// The check service (lib/checks/schemas.ts): run ids of 1–128 of [A-Za-z0-9._:-] starting with a
// letter or digit; 1–2,000 distinct entities; outcomes processed | failed (with a reason code) | skipped.
const RUN_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const RUN_ID = "hostile-run";
const badRunId: fc.Arbitrary<unknown> = fc.oneof(
  notAString,
  anyHostileString.filter((s) => !RUN_ID_RE.test(s)),
  fc.constantFrom("", "-run", ".run", "run id", "run/1", "run\n", "x".repeat(129), "run%2F1"),
);
const notABoolean: fc.Arbitrary<unknown> = fc.oneof(fc.integer(), fc.constantFrom("true", "false", "", null, [], {}, 0, 1), anyHostileString);
const badEntities: fc.Arbitrary<unknown> = fc.oneof(
  notAnArray,
  fc.constant([]),
  fc.tuple(fc.array(fc.constantFrom("lebronjames", "stephencurry"), { maxLength: 3 }), badEntity).map(([ok, bad]) => [...ok, bad]),
  fc.constant(["lebronjames", "lebronjames"]),
  fc.integer({ min: 2_001, max: 6_000 }).map((n) => Array.from({ length: n }, (_, i) => `player${i}`)),
);
const badTeams: fc.Arbitrary<unknown> = fc.oneof(
  notAnArray.filter((v) => v === null || typeof v !== "object"),
  fc.constant([["lebronjames", "LAL"]]),
  fc.constantFrom("lal", "LA", "LALL", "", "L A", "ＬＡＬ").map((team) => ({ lebronjames: team })),
  badEntity.filter((e): e is string => typeof e === "string" && e !== "__proto__").map((e) => ({ [e]: "LAL" })),
);
const validCheck = () => ({ processor: "player_daily_cache", analysis_date: KEY_DATE, run_id: RUN_ID, entities: ["lebronjames", "stephencurry"] });
const checkSpec: BodySpec = {
  fields: {
    processor: { required: true, invalid: badProcessor },
    analysis_date: { required: true, invalid: badDate },
    run_id: { required: true, invalid: badRunId },
    entities: { required: false, invalid: badEntities },
    teams: { required: false, invalid: badTeams },
    backfill: { required: false, invalid: notABoolean },
    record: { required: false, invalid: notABoolean },
  },
};
const OUTCOME_REASON_RE = /^[A-Za-z0-9_.:-]{1,64}$/;
const badOutcomeItem: fc.Arbitrary<unknown> = fc.oneof(
  notAString,
  fc.constant({}),
  badEntity.map((entity_id) => ({ entity_id, outcome: "processed" })),
  fc.oneof(anyHostileString, fc.constantFrom("PROCESSED", "processed ", "ok", "success", "trip")).filter((o) => !["processed", "failed", "skipped"].includes(o)).map((outcome) => ({ entity_id: "lebronjames", outcome })),
  fc.constant({ entity_id: "lebronjames", outcome: "failed" }),
  fc.constantFrom("processed", "skipped").map((outcome) => ({ entity_id: "lebronjames", outcome, reason: "PROCESSING_ERROR" })),
  fc.oneof(anyHostileString, notAString).filter((r) => typeof r !== "string" || !OUTCOME_REASON_RE.test(r)).map((reason) => ({ entity_id: "lebronjames", outcome: "failed", reason })),
  extraKey(["entity_id", "outcome", "reason"]).map((k) => {
    const item: Record<string, unknown> = { entity_id: "lebronjames", outcome: "skipped" };
    setOwn(item, k, 1);
    return item;
  }),
);
const badOutcomes: fc.Arbitrary<unknown> = fc.oneof(
  notAnArray,
  fc.constant([]),
  fc.tuple(fc.array(fc.constantFrom({ entity_id: "stephencurry", outcome: "processed" }), { maxLength: 1 }), badOutcomeItem).map(([ok, bad]) => [...ok, bad]),
  fc.constant([{ entity_id: "lebronjames", outcome: "skipped" }, { entity_id: "lebronjames", outcome: "skipped" }]),
  fc.integer({ min: 2_001, max: 6_000 }).map((n) => Array.from({ length: n }, (_, i) => ({ entity_id: `player${i}`, outcome: "processed" }))),
);
const validOutcomes = () => ({ processor: "player_daily_cache", analysis_date: KEY_DATE, outcomes: [{ entity_id: "lebronjames", outcome: "skipped" }] });
const outcomesSpec: BodySpec = {
  fields: {
    processor: { required: true, invalid: badProcessor },
    analysis_date: { required: true, invalid: badDate },
    outcomes: { required: true, invalid: badOutcomes },
  },
};
const outcomes = (request: Request) => outcomesRoute(request, { params: Promise.resolve({ runId: RUN_ID }) });

describe("hostile input to the write API: always a 4xx, nothing written", () => {
  it("finds every table of the schema", () => {
    const files = readdirSync(path.join(process.cwd(), "sql/schema"))
      .filter((f) => f.endsWith(".sql") && !f.endsWith(".duckdb.sql"))
      .map((f) => f.replace(/\.sql$/, ""));
    expect(files.length).toBeGreaterThanOrEqual(14);
    expect(tables).toEqual(expect.arrayContaining(files));
  });

  it(`POST /api/v1/breakers/override: ${RUNS} hostile payloads`, async () => {
    const cookie = await sessionCookie("operator", "hostile.op");
    const miss = fc.record({
      processor: fc.constantFrom(...PROCESSOR_NAMES),
      entity_id: ghostEntity,
      analysis_date: validDate,
      reason_code: fc.constantFrom(...REASON_CODES),
      reason: reasonText,
      request_id: requestId,
    });
    const before = await runHostile("override", 1, override, "/api/v1/breakers/override", cookie, payloads(validOverride, overrideSpec, miss));
    // Control: the valid body the mutations start from does write.
    const res = await override(post("/api/v1/breakers/override", { kind: "valid", json: validOverride() }, cookie));
    expect(res.status).toBe(201);
    const after = await counts();
    expect(after["nba_orchestration.reprocess_attempts"]).toBe(before["nba_orchestration.reprocess_attempts"]! + 1);
    expect(after["nba_orchestration.breaker_audit_log"]).toBe(before["nba_orchestration.breaker_audit_log"]! + 1);
  });

  it(`POST /api/v1/breakers/reset: ${RUNS} hostile payloads`, async () => {
    const cookie = await sessionCookie("admin", "hostile.admin");
    const miss = fc
      .record({ processor: fc.constantFrom(...PROCESSOR_NAMES), entity_id: ghostEntity, analysis_date: validDate, reason: reasonText, request_id: requestId })
      .map((b) => ({ ...b, confirm: b.entity_id }));
    const before = await runHostile("reset", 2, reset, "/api/v1/breakers/reset", cookie, payloads(validReset, resetSpec, miss));
    const res = await reset(post("/api/v1/breakers/reset", { kind: "valid", json: validReset() }, cookie));
    expect(res.status).toBe(201);
    const after = await counts();
    expect(after["nba_orchestration.reprocess_attempts"]).toBe(before["nba_orchestration.reprocess_attempts"]! - 2); // 3 rows → 1 RESET row
    expect(after["nba_orchestration.breaker_audit_log"]).toBe(before["nba_orchestration.breaker_audit_log"]! + 1);
  });

  it(`POST /api/v1/breakers/bulk-override/preview: ${RUNS} hostile payloads`, async () => {
    const cookie = await sessionCookie("operator", "hostile.op");
    await runHostile("bulk preview", 3, bulkPreview, "/api/v1/breakers/bulk-override/preview", cookie, payloads(validFilter, filterSpec));
    // Control: the valid filter the mutations start from selects the seeded keys (3 of 5 by processor).
    const res = await bulkPreview(post("/api/v1/breakers/bulk-override/preview", { kind: "valid", json: validFilter() }, cookie));
    expect(res.status).toBe(200);
    expect((await res.json()).changes).toHaveLength(3);
  });

  it(`POST /api/v1/breakers/bulk-override: ${RUNS} hostile payloads, starting from a live preview token`, async () => {
    const cookie = await sessionCookie("operator", "hostile.op");
    const preview = await (await bulkPreview(post("/api/v1/breakers/bulk-override/preview", { kind: "valid", json: validFilter() }, cookie))).json();
    expect(preview.changes).toHaveLength(3);
    const valid = bulkApplyBody(preview.token as string);
    // Well-formed bodies with a token no preview issued: refused as stale.
    const miss = fc.record({
      filter: fc.tuple(validDate.filter((d) => d <= "2100-10-01"), fc.integer({ min: 0, max: 62 })).map(([from, days]) => ({ date_from: from, date_to: addDays(from, days) })),
      token: fc.stringMatching(TOKEN_RE),
      reason_code: fc.constantFrom(...REASON_CODES),
      reason: reasonText,
      request_id: requestId,
    });
    const before = await runHostile("bulk apply", 4, bulkApply, "/api/v1/breakers/bulk-override", cookie, payloads(valid, bulkApplySpec(), miss));
    const res = await bulkApply(post("/api/v1/breakers/bulk-override", { kind: "valid", json: valid() }, cookie));
    expect(res.status).toBe(201);
    const after = await counts();
    expect(after["nba_orchestration.reprocess_attempts"]).toBe(before["nba_orchestration.reprocess_attempts"]! + 3);
    expect(after["nba_orchestration.breaker_audit_log"]).toBe(before["nba_orchestration.breaker_audit_log"]! + 1);
  });

  it(`POST /api/v1/tokens and /api/v1/tokens/revoke: ${RUNS} hostile payloads each`, async () => {
    const cookie = await sessionCookie("admin", "hostile.admin");
    // A token that exists: creating its name again is a well-formed conflict (names are never reused).
    expect((await tokenCreate(post("/api/v1/tokens", { kind: "valid", json: { name: "hostile-taken", role: "viewer" } }, cookie))).status).toBe(201);
    const taken = fc.record({ name: fc.constant("hostile-taken"), role: fc.constantFrom(...ROLES) });
    const before = await runHostile("token create", 5, tokenCreate, "/api/v1/tokens", cookie, payloads(validTokenCreate, tokenCreateSpec, taken));
    // Unknown but well-formed names: 404, nothing written.
    const unknown = fc.record({ name: fc.stringMatching(/^[a-z0-9]{1,40}$/).map((s) => `ghost${s}`) });
    await runHostile("token revoke", 6, tokenRevoke, "/api/v1/tokens/revoke", cookie, payloads(validTokenRevoke, tokenRevokeSpec, unknown));
    // Controls: the valid bodies the mutations start from do write.
    expect((await tokenCreate(post("/api/v1/tokens", { kind: "valid", json: validTokenCreate() }, cookie))).status).toBe(201);
    expect((await tokenRevoke(post("/api/v1/tokens/revoke", { kind: "valid", json: validTokenRevoke() }, cookie))).status).toBe(200);
    expect((await counts())["nba_orchestration.api_tokens"]).toBe(before["nba_orchestration.api_tokens"]! + 1);
  });

  it(`POST /api/v1/checks and /api/v1/checks/{run_id}/outcomes: ${RUNS} hostile payloads each, with a pipeline token`, async () => {
    await runHostile("check", 7, checkRoute, "/api/v1/checks", BEARER, payloads(validCheck, checkSpec));
    // Well-formed reports of a run nobody checked: 404, nothing written.
    const unchecked = fc.record({
      processor: fc.constantFrom(...PROCESSOR_NAMES),
      analysis_date: validDate,
      outcomes: fc.constant([{ entity_id: "lebronjames", outcome: "processed" }]),
    });
    const before = await runHostile("outcomes", 8, outcomes, `/api/v1/checks/${RUN_ID}/outcomes`, BEARER, payloads(validOutcomes, outcomesSpec, unchecked));
    // Controls: the valid bodies the mutations start from do write.
    const checked = await checkRoute(post("/api/v1/checks", { kind: "valid", json: validCheck() }, BEARER));
    expect(checked.status).toBe(200);
    const decisions = ((await checked.json()) as { entities: { entity_id: string; decision: string }[] }).entities;
    expect(decisions.find((e) => e.entity_id === "lebronjames")?.decision).toBe("skip"); // its breaker is active
    const reported = await outcomes(post(`/api/v1/checks/${RUN_ID}/outcomes`, { kind: "valid", json: validOutcomes() }, BEARER));
    expect(reported.status).toBe(201);
    const after = await counts();
    expect(after["nba_orchestration.completeness_checks"]).toBe(before["nba_orchestration.completeness_checks"]! + 2);
    expect(after["nba_orchestration.check_outcomes"]).toBe(before["nba_orchestration.check_outcomes"]! + 1);
  });
});
