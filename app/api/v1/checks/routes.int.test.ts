/**
 * Who may call the check service, over HTTP against the built console: a `pipeline` token may
 * check and report outcomes and nothing else (no override, reset, audit, token or console read:
 * 403, never 200 nor 500); a token bound to one processor may do that for its processor only; no
 * console role, by token or by browser session, may check. Every pipeline write is in the audit
 * with the token's name, and the audit's keys are exactly the attempt rows written.
 *
 * Data: test/support/breaker-dataset.ts (a small season, relative to today) with every processor
 * read by the console's engine (BREAKER_READERS=console), checked on D1, the day after the
 * dataset's D: jaysontatum played every game of his L10 window; lebronjames's two late box
 * scores have arrived; stephencurry misses games 15 and 16 of that window for good — so the
 * check processes the first two and skips the third for incomplete data.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { configEntry, generateToken, hashToken } from "@/lib/auth/token-format";
import type { Role } from "@/lib/auth/roles";
import { addDays } from "@/lib/completeness/dates";
import { MONITORING_QUERY_NAMES } from "@/lib/monitoring/schemas";
import { breakerDataset } from "@/test/support/breaker-dataset";
import { prepareDatabase, type RunningConsole, startConsole, TEST_AUTH_SECRET, type TempDatabase, withDatabase } from "@/test/support/console-server";
import { sessionCookie } from "@/test/support/session";

const data = breakerDataset();
const { D, D_PREV, processor: PSZA } = data;
const D1 = addDays(D, 1);
const PLAYERS = ["jaysontatum", "lebronjames", "stephencurry"];
const TDZA = "team_defense_zone_analysis";

/** Tokens in API_TOKENS: an admin, an unbound pipeline token, and the console's other roles. */
const TOKENS = { admin: generateToken(), pipeline: generateToken(), operator: generateToken(), viewer: generateToken() };
const NAMES = { admin: "ci-admin", pipeline: "nightly", operator: "ci-operator", viewer: "ci-viewer" } as const;
/** Created through POST /api/v1/tokens: bound to player_shot_zone_analysis; and one to revoke. */
let bound = "";
let shortLived = "";

let db: TempDatabase;
let server: RunningConsole;

beforeAll(async () => {
  db = await prepareDatabase((wh) => data.seed(wh));
  data.writeCalendar(db.path);
  server = await startConsole({
    dbPath: db.path,
    env: {
      API_TOKENS: (Object.keys(TOKENS) as (keyof typeof TOKENS)[]).map((role) => configEntry({ name: NAMES[role], role, sha256: hashToken(TOKENS[role]) })).join(","),
      BREAKER_READERS: "console",
      CACHE_TTL_SECONDS: "0",
    },
  });
}, 180_000);

afterAll(async () => {
  await server?.stop();
  db?.remove();
});

interface Answer {
  status: number;
  // Whatever JSON came back (or the text, when it was not JSON): read field by field.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** One request as a client sends it: a bearer token, or a browser session from the console's own origin. */
async function call(method: "GET" | "POST", path: string, options: { token?: string; cookie?: string; body?: unknown } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie) Object.assign(headers, { cookie: options.cookie, origin: server.url });
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // CSV, or an error page: kept as text for the failure message.
  }
  return { status: res.status, body };
}

const check = (token: string | undefined, body: Record<string, unknown>, cookie?: string) => call("POST", "/api/v1/checks", { token, cookie, body });
const outcomes = (token: string | undefined, runId: string, body: unknown, cookie?: string) => call("POST", `/api/v1/checks/${runId}/outcomes`, { token, cookie, body });
const checkBody = (run_id: string, extra: Record<string, unknown> = {}) => ({ processor: PSZA, analysis_date: D1, run_id, entities: PLAYERS, ...extra });

interface AuditRow {
  action: string;
  actor: string;
  actor_role: string;
  key_count: number;
  keys: { processor: string; entity_id: string; analysis_date: string; before: { status: string }; after: { status: string; lastEvent: string | null } }[];
}
async function audit(query = ""): Promise<AuditRow[]> {
  const res = await call("GET", `/api/v1/audit${query}`, { token: TOKENS.admin });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.rows;
}

describe("tokens for the pipeline", () => {
  it("an admin creates a pipeline token bound to one processor, and one to revoke later", async () => {
    const created = await call("POST", "/api/v1/tokens", { token: TOKENS.admin, body: { name: "psza-run", role: "pipeline", processor: PSZA } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ name: "psza-run", role: "pipeline", processor: PSZA });
    bound = created.body.token;
    const other = await call("POST", "/api/v1/tokens", { token: TOKENS.admin, body: { name: "short-lived", role: "pipeline" } });
    expect(other.status).toBe(201);
    expect(other.body.processor).toBeNull();
    shortLived = other.body.token;
    // Only a pipeline token is bound to a processor.
    const wrong = await call("POST", "/api/v1/tokens", { token: TOKENS.admin, body: { name: "bound-viewer", role: "viewer", processor: PSZA } });
    expect(wrong).toMatchObject({ status: 400, body: { fieldErrors: { "processor": expect.any(Array) } } });
    const list = await call("GET", "/api/v1/tokens", { token: TOKENS.admin });
    expect(list.body.rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "nightly", role: "pipeline", processor: null, source: "config" }),
        expect.objectContaining({ name: "psza-run", role: "pipeline", processor: PSZA, source: "table", revoked_at: null }),
      ]),
    );
    expect(list.body.rows.map((r: { name: string }) => r.name)).not.toContain("bound-viewer");
  });
});

describe("a pipeline token checks and reports", () => {
  it("checks a run: 200 with the decisions the data calls for; `record` writes the skip's failed attempt", async () => {
    const res = await check(TOKENS.pipeline, checkBody("run-nightly-1", { record: true }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ ok: true, replay: false, run_id: "run-nightly-1", processor: PSZA, breaker_reader: "console", bootstrap: false, counts: { process: 2, skip: 1 } });
    const decided = Object.fromEntries(res.body.entities.map((e: { entity_id: string; decision: string; reason: string; recorded: unknown }) => [e.entity_id, [e.decision, e.reason, e.recorded !== null]]));
    expect(decided).toEqual({
      jaysontatum: ["process", "processed_successfully", false],
      lebronjames: ["process", "processed_successfully", false],
      stephencurry: ["skip", "skipped_incomplete_upstream_data", true],
    });
    const curry = res.body.entities.find((e: { entity_id: string }) => e.entity_id === "stephencurry");
    expect(curry.recorded).toMatchObject({ event_type: "failure", attempt_number: 1 });
    // The window names the two games that never arrived.
    expect(curry.windows[0].missing).toBe(2);
    expect(curry.windows[0].missing_games.map((g: { game_date: string }) => g.game_date).sort()).toEqual([data.gameDate(15), data.gameDate(16)]);

    // The same request again (a client retry): the stored answer, 200, nothing recorded twice.
    const again = await check(TOKENS.pipeline, checkBody("run-nightly-1", { record: true }));
    expect(again.status).toBe(200);
    expect(again.body.replay).toBe(true);
  });

  it("reports the run's outcomes: 201, then 200 on a retry that writes nothing", async () => {
    const body = {
      processor: PSZA,
      analysis_date: D1,
      outcomes: [
        { entity_id: "jaysontatum", outcome: "processed" },
        { entity_id: "lebronjames", outcome: "failed", reason: "PROCESSING_ERROR" },
        { entity_id: "stephencurry", outcome: "skipped" },
      ],
    };
    const first = await outcomes(TOKENS.pipeline, "run-nightly-1", body);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    // A processed key with no failure behind it needs no row; the failure is one; stephencurry's
    // skip was recorded by the check (`record`): reported now, it is that same outcome again.
    expect(first.body).toMatchObject({ replay: false, rows_written: 1 });
    const written = Object.fromEntries(first.body.results.map((r: { entity_id: string; written: { event_type: string } | null }) => [r.entity_id, r.written?.event_type ?? null]));
    expect(written).toEqual({ jaysontatum: null, lebronjames: "failure", stephencurry: "failure" });

    const retry = await outcomes(TOKENS.pipeline, "run-nightly-1", body);
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ replay: true, rows_written: 0 });
    // The run id in the body, when given, must be the path's.
    const same = await outcomes(TOKENS.pipeline, "run-nightly-1", { ...body, run_id: "run-nightly-1" });
    expect(same.status).toBe(200);
  });

  it("checks and reports a team processor too (the token is bound to none)", async () => {
    const res = await check(TOKENS.pipeline, { processor: TDZA, analysis_date: D1, run_id: "run-teams-1", entities: ["LAL", "BOS"] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.counts).toEqual({ process: 2, skip: 0 });
  });
});

describe("a pipeline token bound to one processor", () => {
  it("is refused for another processor (403, nothing written), the check and the outcomes alike", async () => {
    const res = await check(bound, { processor: TDZA, analysis_date: D1, run_id: "run-bound-teams", entities: ["LAL"] });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatch(/may check player_shot_zone_analysis only, not team_defense_zone_analysis/);
    const report = await outcomes(bound, "run-teams-1", { processor: TDZA, analysis_date: D1, outcomes: [{ entity_id: "LAL", outcome: "processed" }] });
    expect(report.status).toBe(403);
    // By the pipeline's name of the processor as much as by the console's.
    const aliased = await check(bound, { processor: "ml_feature_store_v2", analysis_date: D1, run_id: "run-bound-mlfs", entities: ["lebronjames"] });
    expect(aliased.status).toBe(403);
  });

  it("checks and reports for its own processor: 200, then 201", async () => {
    // lebronjames failed once in the nightly run: one failure of three, so this run processes him.
    const res = await check(bound, checkBody("run-bound-1", { entities: ["jaysontatum", "lebronjames"] }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.counts).toEqual({ process: 2, skip: 0 });
    const report = await outcomes(bound, "run-bound-1", {
      processor: PSZA,
      analysis_date: D1,
      outcomes: [
        { entity_id: "jaysontatum", outcome: "processed" },
        { entity_id: "lebronjames", outcome: "processed" },
      ],
    });
    expect(report.status, JSON.stringify(report.body)).toBe(201);
    // The success after a failure is written (it restarts the count); a clean key needs no row.
    expect(report.body.rows_written).toBe(1);
    expect(report.body.results.map((r: { written: { event_type: string } | null }) => r.written?.event_type ?? null)).toEqual([null, "success"]);
  });

  it("the team run is reported by the unbound token that checked it: both processed, no row needed, still a 201", async () => {
    const report = await outcomes(TOKENS.pipeline, "run-teams-1", {
      processor: TDZA,
      analysis_date: D1,
      outcomes: [
        { entity_id: "LAL", outcome: "processed" },
        { entity_id: "BOS", outcome: "processed" },
      ],
    });
    expect(report.status, JSON.stringify(report.body)).toBe(201);
    expect(report.body).toMatchObject({ replay: false, rows_written: 0 });
  });
});

describe("a pipeline token may do nothing else: 403", () => {
  const KEY = { processor: PSZA, entity_id: "lebronjames", analysis_date: D };
  const REFUSED: [string, "GET" | "POST", string, unknown?][] = [
    ["override", "POST", "/api/v1/breakers/override", { ...KEY, reason_code: "data_now_available", reason: "Box score landed; verified in the live recheck", request_id: "req-pipe-override" }],
    ["bulk-override preview", "POST", "/api/v1/breakers/bulk-override/preview", { date_from: D_PREV, date_to: D }],
    [
      "bulk-override apply",
      "POST",
      "/api/v1/breakers/bulk-override",
      { filter: { date_from: D_PREV, date_to: D }, token: "x".repeat(43), reason_code: "scraper_outage_backfilled", reason: "Outage backfilled and verified", request_id: "req-pipe-bulk" },
    ],
    ["reset", "POST", "/api/v1/breakers/reset", { ...KEY, reason: "Clearing history after the schedule fix", request_id: "req-pipe-reset", confirm: KEY.entity_id }],
    ["restore", "POST", "/api/v1/breakers/restore", { reset_request_id: "req-pipe-reset", reason: "Putting the history back after all", request_id: "req-pipe-restore", confirm: KEY.entity_id }],
    ["restore preview", "GET", "/api/v1/breakers/restore?reset_request_id=req-pipe-reset"],
    ["audit", "GET", "/api/v1/audit"],
    ["audit as CSV", "GET", "/api/v1/audit?format=csv"],
    ["token list", "GET", "/api/v1/tokens"],
    ["token create", "POST", "/api/v1/tokens", { name: "sneaky", role: "admin" }],
    ["token revoke", "POST", "/api/v1/tokens/revoke", { name: "psza-run" }],
    ...MONITORING_QUERY_NAMES.map((name): [string, "GET", string] => [`monitoring ${name}`, "GET", `/api/v1/monitoring/${name}`]),
    ["entity", "GET", `/api/v1/entities/lebronjames?date=${D}`],
    ["entity for its own processor", "GET", `/api/v1/entities/lebronjames?date=${D}&processor=${PSZA}`],
    ["thresholds", "GET", "/api/v1/thresholds"],
  ];

  it.each(REFUSED)("%s", async (_name, method, path, body) => {
    for (const [who, token] of [
      ["unbound", TOKENS.pipeline],
      ["bound", bound],
    ] as const) {
      const res = await call(method, path, { token, body });
      expect(res.status, `${who}: ${JSON.stringify(res.body)}`).toBe(403);
      // Refused for its role, not for anything in the request.
      expect(JSON.stringify(res.body)).toMatch(/needs the (viewer|operator|admin) role; you are signed in as pipeline/);
    }
  });

  it("and none of it happened: no operator write in the audit, the tokens as they were", async () => {
    expect(new Set((await audit()).map((r) => r.action))).toEqual(new Set(["pipeline_check", "pipeline_outcomes"]));
    const tokens = (await call("GET", "/api/v1/tokens", { token: TOKENS.admin })).body.rows as { name: string; revoked_at: string | null }[];
    expect(tokens.map((t) => t.name)).not.toContain("sneaky");
    expect(tokens.find((t) => t.name === "psza-run")?.revoked_at).toBeNull();
  });
});

describe("no console role may check", () => {
  const sessions: Role[] = ["viewer", "operator", "admin"];

  it.each(["viewer", "operator", "admin"] as const)("a %s token: 403 on the check and the outcomes", async (role) => {
    const res = await check(TOKENS[role], checkBody(`run-${role}`));
    expect(res.status).toBe(403);
    expect(res.body.error).toMatch(/needs the pipeline role/);
    const report = await outcomes(TOKENS[role], "run-nightly-1", { processor: PSZA, analysis_date: D1, outcomes: [{ entity_id: "jaysontatum", outcome: "processed" }] });
    expect(report.status).toBe(403);
  });

  it.each(sessions)("a %s browser session: 403 on the check and the outcomes", async (role) => {
    const cookie = await sessionCookie(role, `${role}.person`, Date.now(), TEST_AUTH_SECRET);
    const res = await check(undefined, checkBody(`run-session-${role}`), cookie);
    expect(res.status).toBe(403);
    expect(res.body.error).toMatch(/needs the pipeline role/);
    const report = await outcomes(undefined, "run-nightly-1", { processor: PSZA, analysis_date: D1, outcomes: [{ entity_id: "jaysontatum", outcome: "processed" }] }, cookie);
    expect(report.status).toBe(403);
  });

  it("a session cookie that claims the pipeline role is nobody: 401", async () => {
    const cookie = await sessionCookie("pipeline", "forged", Date.now(), TEST_AUTH_SECRET);
    expect((await check(undefined, checkBody("run-forged"), cookie)).status).toBe(401);
  });
});

describe("requests that are not a check", () => {
  it("no token: 401, on both routes", async () => {
    expect((await check(undefined, checkBody("run-anonymous"))).status).toBe(401);
    expect((await outcomes(undefined, "run-nightly-1", { processor: PSZA, analysis_date: D1, outcomes: [{ entity_id: "jaysontatum", outcome: "processed" }] })).status).toBe(401);
  });

  it("a bad body: 400 naming the field", async () => {
    const badDate = await check(TOKENS.pipeline, checkBody("run-bad-1", { analysis_date: "2026-13-45" }));
    expect(badDate).toMatchObject({ status: 400, body: { fieldErrors: { "analysis_date": expect.any(Array) } } });
    const { run_id: _omitted, ...noRunId } = checkBody("x");
    expect(await check(TOKENS.pipeline, noRunId)).toMatchObject({ status: 400, body: { fieldErrors: { "run_id": expect.any(Array) } } });
    expect(await check(TOKENS.pipeline, checkBody("run-bad-2", { surprise: 1 }))).toMatchObject({ status: 400 });
    expect(await call("POST", "/api/v1/checks", { token: TOKENS.pipeline, body: "{not json" })).toMatchObject({ status: 400, body: { fieldErrors: { "body": expect.any(Array) } } });
    const noReason = await outcomes(TOKENS.pipeline, "run-nightly-1", { processor: PSZA, analysis_date: D1, outcomes: [{ entity_id: "jaysontatum", outcome: "failed" }] });
    expect(noReason).toMatchObject({ status: 400, body: { fieldErrors: { "outcomes.0.reason": expect.any(Array) } } });
  });

  it("outcomes whose body names another run than the path: 400 on run_id, nothing written", async () => {
    const res = await outcomes(TOKENS.pipeline, "run-nightly-1", { run_id: "run-other", processor: PSZA, analysis_date: D1, outcomes: [{ entity_id: "jaysontatum", outcome: "processed" }] });
    expect(res).toMatchObject({ status: 400, body: { fieldErrors: { "run_id": expect.any(Array) } } });
  });
});

describe("a revoked pipeline token", () => {
  it("works until an admin revokes it, then gets 401", async () => {
    const before = await check(shortLived, checkBody("run-short-1", { entities: ["jaysontatum"] }));
    expect(before.status, JSON.stringify(before.body)).toBe(200);
    const revoked = await call("POST", "/api/v1/tokens/revoke", { token: TOKENS.admin, body: { name: "short-lived" } });
    expect(revoked.status).toBe(200);
    expect((await check(shortLived, checkBody("run-short-2", { entities: ["jaysontatum"] }))).status).toBe(401);
    expect((await outcomes(shortLived, "run-short-1", { processor: PSZA, analysis_date: D1, outcomes: [{ entity_id: "jaysontatum", outcome: "processed" }] })).status).toBe(401);
  });
});

describe("the audit", () => {
  it("lists every pipeline write by action, with the token's name as the actor", async () => {
    const outcomesRows = await audit("?action=pipeline_outcomes");
    const checkRows = await audit("?action=pipeline_check");
    const summary = (rows: AuditRow[]) => rows.map((r) => [r.actor, r.actor_role, r.key_count, r.keys.map((k) => `${k.processor}|${k.entity_id}|${k.after.lastEvent}`).sort()]).sort();
    // Every check is audited; the one with record: true lists the skip it recorded, the others no key.
    expect(summary(checkRows.filter((r) => r.key_count > 0))).toEqual([["token:nightly", "pipeline", 1, [`${PSZA}|stephencurry|failure`]]]);
    expect(checkRows.length).toBeGreaterThan(1);
    for (const r of checkRows.filter((r) => r.key_count === 0)) expect([r.actor_role, r.keys]).toEqual(["pipeline", []]);
    expect(new Set(checkRows.map((r) => r.actor))).toEqual(new Set(["token:nightly", "token:psza-run", "token:short-lived"]));
    expect(summary(outcomesRows)).toEqual(
      [
        ["token:nightly", "pipeline", 1, [`${PSZA}|lebronjames|failure`]],
        ["token:psza-run", "pipeline", 1, [`${PSZA}|lebronjames|success`]],
        // The team run wrote no attempt row: its report is in the audit all the same, with no key.
        ["token:nightly", "pipeline", 0, []],
      ].sort(),
    );
    // Filtered by actor: the bound token's one check and its report.
    expect((await audit("?actor=token:psza-run")).map((r) => r.action).sort()).toEqual(["pipeline_check", "pipeline_outcomes"]);
    // The CSV export has them too, one line per key, and one for the report that changed none.
    const csv = await call("GET", "/api/v1/audit?action=pipeline_outcomes&format=csv", { token: TOKENS.admin });
    expect(csv.status).toBe(200);
    expect(String(csv.body).trim().split("\r\n")).toHaveLength(1 + 3);
  });

  it("its keys are exactly the attempt rows the pipeline's runs wrote (read back from the database)", async () => {
    const keys = (await audit())
      .filter((r) => r.action.startsWith("pipeline_"))
      .flatMap((r) => r.keys.map((k) => `${k.processor}|${k.entity_id}|${k.analysis_date}|${k.after.lastEvent}`))
      .sort();
    await server.stop();
    const rows = await withDatabase(db.path, (wh) =>
      wh.query<{ processor_name: string; entity_id: string; analysis_date: string; event_type: string }>(
        `SELECT processor_name, entity_id, CAST(analysis_date AS VARCHAR) AS analysis_date, event_type
         FROM nba_orchestration.reprocess_attempts WHERE batch_id LIKE 'run-%'`,
      ),
    );
    expect(rows.map((r) => `${r.processor_name}|${r.entity_id}|${r.analysis_date}|${r.event_type}`).sort()).toEqual(keys);
    expect(rows).toHaveLength(3);
  });
});
