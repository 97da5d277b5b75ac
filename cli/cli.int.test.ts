/**
 * The CLI end to end: the built console started on a temporary embedded database (hand-built
 * breakers), every command run against it — in-process through `main()` with a scripted stdin
 * (a terminal or not), and through the real `cli/bin.mjs` for exit codes and non-terminal stdin.
 *
 * Data: test/support/breaker-dataset.ts — lebronjames and stephencurry have active breakers for
 * player_shot_zone_analysis on D and D_PREV; lebronjames's missing box scores have since arrived.
 * Row counts are read through the API (the server holds the database file): with nothing else
 * writing, breaker-history over 30 days is every reprocess_attempts row, and the audit API every
 * audit record.
 */
import { spawnSync } from "node:child_process";
import { Readable } from "node:stream";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { configEntry, generateToken, hashToken } from "@/lib/auth/token-format";
import { prepareDatabase, type RunningConsole, startConsole, type TempDatabase } from "@/test/support/console-server";
import { breakerDataset } from "@/test/support/breaker-dataset";

import { main } from "./main";

const data = breakerDataset();
const { D, D_PREV, processor: PSZA, gameDate, opponent } = data;

const ADMIN = generateToken();
let db: TempDatabase;
let server: RunningConsole;
const tokens: Record<"operator" | "viewer", string> = { operator: "", viewer: "" };

beforeAll(async () => {
  db = await prepareDatabase((wh) => data.seed(wh));
  data.writeCalendar(db.path);
  server = await startConsole({
    dbPath: db.path,
    // Beside the original pipeline (the production setting): its processors read the breakers.
    env: { API_TOKENS: configEntry({ name: "ci-admin", role: "admin", sha256: hashToken(ADMIN) }), CACHE_TTL_SECONDS: "0", BREAKER_READERS: "original" },
  });
}, 180_000);

afterAll(async () => {
  await server?.stop();
  db?.remove();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** One command line in-process; `answers` are typed at the prompts (a terminal when given). */
async function cli(args: string[], options: { token?: string; answers?: string[]; tty?: boolean; url?: string } = {}): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const stdin = Readable.from(options.answers ? [options.answers.map((a) => `${a}\n`).join("")] : []) as Readable & { isTTY?: boolean };
  stdin.isTTY = options.tty ?? options.answers !== undefined;
  const code = await main(args, {
    stdin,
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { COMPLETENESS_URL: options.url ?? server.url, COMPLETENESS_TOKEN: options.token ?? ADMIN },
  });
  return { code, stdout, stderr };
}

/** The real package bin, stdin not a terminal. */
function bin(args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, ["cli/bin.mjs", ...args], {
    encoding: "utf8",
    input: "",
    env: { NODE_ENV: "test", PATH: process.env.PATH, HOME: process.env.HOME, COMPLETENESS_URL: server.url, COMPLETENESS_TOKEN: ADMIN, ...env },
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

async function api<T>(path: string, token = ADMIN): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as T };
}

/** Every reprocess_attempts row (breaker-history covers 30 days; all rows here are newer: the rows of every key, counted by the server) and every audit record. */
async function counts() {
  const history = await api<{ total_events: number }>("/api/v1/monitoring/breaker-history");
  const audit = await api<{ rows: { actor: string; action: string }[] }>("/api/v1/audit");
  return { attempts: history.body.total_events, audit: audit.body.rows.length };
}

async function activeKeys(): Promise<string[]> {
  const { body } = await api<{ rows: { processor: string; entity_id: string; analysis_date: string }[] }>("/api/v1/monitoring/active-breakers?page_size=500");
  return body.rows.map((r) => `${r.processor}|${r.entity_id}|${r.analysis_date}`).sort();
}

const json = <T>(run: Run): T => JSON.parse(run.stdout) as T;

describe("tokens", () => {
  it("an admin creates an operator and a viewer token; the secret is printed once and never listed", async () => {
    for (const role of ["operator", "viewer"] as const) {
      const run = await cli(["tokens", "create", "--name", `ci-${role}`, "--role", role, "--json"]);
      expect(run.code, run.stderr).toBe(0);
      const body = json<{ name: string; role: string; token: string }>(run);
      expect(body).toMatchObject({ name: `ci-${role}`, role });
      expect(body.token).toMatch(/^cct_/);
      tokens[role] = body.token;
    }
    const list = await cli(["tokens", "list"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain("ci-operator");
    expect(list.stdout).toContain("ci-admin");
    expect(list.stdout).not.toContain(tokens.operator);
    expect(list.stdout).not.toContain(hashToken(tokens.operator));

    const again = await cli(["tokens", "create", "--name", "ci-operator", "--role", "admin"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already exists");
  });

  it("a pipeline token bound to a processor: the role and the processor are sent, stored, printed and listed", async () => {
    // By the pipeline's name of the processor: stored under the console's.
    const run = await cli(["tokens", "create", "--name", "ci-pipeline", "--role", "pipeline", "--processor", "ml_feature_store_v2", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const body = json<{ name: string; role: string; processor: string | null; token: string }>(run);
    expect(body).toMatchObject({ name: "ci-pipeline", role: "pipeline", processor: "ml_feature_store" });
    const human = await cli(["tokens", "create", "--name", "ci-pipeline-any", "--role", "pipeline"]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('Created pipeline token "ci-pipeline-any". Store it now');

    // What the server keeps, read through the API; and what `tokens list` shows of it.
    const stored = (await api<{ rows: { name: string; role: string; processor: string | null }[] }>("/api/v1/tokens")).body.rows;
    expect(stored.filter((r) => r.name.startsWith("ci-pipeline")).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      expect.objectContaining({ name: "ci-pipeline", role: "pipeline", processor: "ml_feature_store" }),
      expect.objectContaining({ name: "ci-pipeline-any", role: "pipeline", processor: null }),
    ]);
    const list = await cli(["tokens", "list"]);
    expect(list.stdout).toMatch(/ci-pipeline\s+pipeline \(ml_feature_store\)/);
    const listed = json<{ rows: { name: string; role: string; processor: string | null }[] }>(await cli(["tokens", "list", "--json"])).rows;
    expect(listed.find((r) => r.name === "ci-pipeline")).toMatchObject({ role: "pipeline", processor: "ml_feature_store" });

    // The binding holds on the server: the token may check that processor only (403 for another,
    // before anything else is looked at), and it may read nothing of the console.
    const other = await fetch(`${server.url}/api/v1/checks`, {
      method: "POST",
      headers: { authorization: `Bearer ${body.token}`, "content-type": "application/json" },
      body: JSON.stringify({ processor: PSZA, analysis_date: D, run_id: "cli-bound-1", entities: ["lebronjames"] }),
    });
    expect(other.status).toBe(403);
    expect(((await other.json()) as { error: string }).error).toMatch(/may check ml_feature_store only/);
    expect((await api("/api/v1/monitoring/health", body.token)).status).toBe(403);
  });

  it("only admins manage tokens", async () => {
    const run = await cli(["tokens", "create", "--name", "sneaky", "--role", "admin"], { token: tokens.operator });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/admin role/);
  });

  it("a revoked token gets 401, from the API and the CLI", async () => {
    const created = json<{ token: string }>(await cli(["tokens", "create", "--name", "ci-temp", "--role", "operator", "--json"]));
    expect((await api("/api/v1/monitoring/health", created.token)).status).toBe(200);
    const revoke = await cli(["tokens", "revoke", "--name", "ci-temp"]);
    expect(revoke.code).toBe(0);
    expect(revoke.stdout).toContain("Revoked");
    expect((await api("/api/v1/monitoring/health", created.token)).status).toBe(401);
    const run = await cli(["breakers", "status"], { token: created.token });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("refused");
    expect((await cli(["tokens", "revoke", "--name", "ci-temp"])).stdout).toContain("Already revoked");
    expect((await cli(["tokens", "revoke", "--name", "never-made"])).code).toBe(2);
  });

  it("a malformed or unknown bearer token is 401 even with nothing else wrong", async () => {
    expect((await api("/api/v1/monitoring/health", "cct_not-a-real-token")).status).toBe(401);
    expect((await api("/api/v1/monitoring/health", generateToken())).status).toBe(401);
  });
});

describe("read commands match the API", () => {
  it("breakers status --active-only lists exactly the API's active breakers", async () => {
    const run = await cli(["breakers", "status", "--active-only", "--json"], { token: tokens.viewer });
    expect(run.code, run.stderr).toBe(0);
    const report = json<{ active: { processor: string; entity_id: string; analysis_date: string }[]; summary: { processor: string; active_now: number }[] }>(run);
    expect(report.active.map((r) => `${r.processor}|${r.entity_id}|${r.analysis_date}`).sort()).toEqual(await activeKeys());
    expect(report.active).toHaveLength(4);
    expect(report.summary.find((s) => s.processor === PSZA)?.active_now).toBe(4);
  });

  it("breakers status --safe lists exactly the API's keys safe to override now, and --active-only shows each key's verdict", async () => {
    type Row = { processor: string; entity_id: string; analysis_date: string; verdict: { safe: boolean; text: string } | null };
    const { body } = await api<{ rows: Row[] }>("/api/v1/monitoring/active-breakers?page_size=500");
    const id = (r: Row) => `${r.processor}|${r.entity_id}|${r.analysis_date}`;
    const safe = body.rows.filter((r) => r.verdict?.safe).map(id).sort();
    const { body: filtered } = await api<{ rows: Row[] }>("/api/v1/monitoring/active-breakers?safe=yes&page_size=500");
    expect(filtered.rows.map(id).sort()).toEqual(safe);
    const { body: notSafe } = await api<{ rows: Row[] }>("/api/v1/monitoring/active-breakers?safe=no&page_size=500");
    expect(notSafe.rows.length + filtered.rows.length).toBe(body.rows.length);
    expect(Object.keys((await api<{ fieldErrors: Record<string, string[]> }>("/api/v1/monitoring/active-breakers?safe=maybe")).body.fieldErrors)).toEqual(["safe"]);

    const run = await cli(["breakers", "status", "--safe", "--json"], { token: tokens.viewer });
    expect(run.code, run.stderr).toBe(0);
    const report = json<{ active: Row[] }>(run);
    expect(report.active.map(id).sort()).toEqual(safe);
    expect(report.active.every((r) => r.verdict?.safe)).toBe(true);
    const human = await cli(["breakers", "status", "--active-only"], { token: tokens.viewer });
    expect(human.stdout).toContain("verdict now");
    for (const r of body.rows) expect(human.stdout).toContain(r.verdict!.text);
  });

  it("breakers status filters by processor and entity and summarizes the history", async () => {
    const run = await cli(["breakers", "status", "--processor", PSZA, "--entity", "stephencurry", "--json"], { token: tokens.viewer });
    const report = json<{ history: { entity_id: string; event: string }[]; summary: { processor: string; rows: number; trips: number; unique_entities: number }[] }>(run);
    expect(new Set(report.history.map((r) => r.entity_id))).toEqual(new Set(["stephencurry"]));
    expect(report.history.filter((r) => r.event === "trip")).toHaveLength(2);
    expect(report.summary).toEqual([expect.objectContaining({ processor: PSZA, rows: 6, trips: 2, unique_entities: 1 })]);
    const human = await cli(["breakers", "status", "--processor", PSZA], { token: tokens.viewer });
    expect(human.stdout).toContain("=== Summary ===");
    expect(human.stdout).toMatch(/player_shot_zone_analysis\s+\d+/);
  });

  it("check prints the entity page's content: stored columns, windows with the missing games named, the timeline, the verdict", async () => {
    const run = await cli(["check", "--entity", "stephencurry", "--date", D, "--processor", PSZA, "--json"], { token: tokens.viewer });
    expect(run.code, run.stderr).toBe(0);
    type Detail = { processors: { processor: string; stored: unknown; breaker: { value: { events: unknown[]; state: unknown } }; live: { value: { windows: { missingGames: unknown }[] } } }[] };
    const fromCli = json<Detail>(run);
    const fromApi = (await api<Detail>(`/api/v1/entities/stephencurry?date=${D}&processor=${PSZA}`, tokens.viewer)).body;
    // Everything but the clock-dependent parts (the live read time, ms until retry).
    const pick = (d: Detail) =>
      d.processors.map((p) => ({
        processor: p.processor,
        stored: p.stored,
        events: p.breaker.value.events,
        state: { ...(p.breaker.value.state as object), msUntilRetry: undefined },
        missing: p.live.value.windows.map((w) => w.missingGames),
      }));
    expect(pick(fromCli)).toEqual(pick(fromApi));

    const human = await cli(["check", "--entity", "stephencurry", "--date", D, "--processor", PSZA], { token: tokens.viewer });
    expect(human.stdout).toContain(`${gameDate(15)} vs ${opponent(15)}`);
    expect(human.stdout).toContain(`${gameDate(16)} vs ${opponent(16)}`);
    expect(human.stdout).toMatch(/Breaker: active until/);
    expect(human.stdout).toContain("trip");
  });

  it("an unknown entity close to a known one gets a suggestion (exit 2); a malformed id names the right form", async () => {
    const typo = await cli(["check", "--entity", "stephencurr", "--date", D], { token: tokens.viewer });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("Did you mean stephencurry?");
    const form = await cli(["check", "--entity", "lebron_james"], { token: tokens.viewer });
    expect(form.code).toBe(2);
    expect(form.stderr).toContain("lebronjames");
  });
});

describe("override", () => {
  const key = ["--processor", PSZA, "--entity", "lebronjames", "--date", D, "--reason", "Box scores for 11-25 and 11-27 arrived late; checked"];

  it("--dry-run shows the key and the verdict and changes nothing", async () => {
    const before = await counts();
    const run = await cli(["override", ...key, "--dry-run"], { token: tokens.operator });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Key: ${PSZA} / lebronjames / ${D}`);
    expect(run.stdout).toContain("an override is safe");
    expect(run.stdout).toMatch(/What an override does here: One retry: .*if that run still fails, the breaker trips again for 7 days/);
    expect(run.stdout).toContain("Dry run");
    expect(await counts()).toEqual(before);
  });

  it("a viewer token cannot override", async () => {
    const before = await counts();
    const run = await cli(["override", ...key, "--yes"], { token: tokens.viewer });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/operator role/);
    expect(await counts()).toEqual(before);
  });

  it("asks for exactly yes: y, YES and no answer cancel (exit 1); without a terminal it needs --yes (exit 2)", async () => {
    const before = await counts();
    for (const answers of [["y"], ["YES"], []]) {
      const run = await cli(["override", ...key], { token: tokens.operator, answers, tty: true });
      expect(run.code, JSON.stringify(answers)).toBe(1);
      expect(run.stderr).toContain("Cancelled");
    }
    const piped = bin(["override", ...key], { COMPLETENESS_TOKEN: tokens.operator });
    expect(piped.code, piped.stderr).toBe(2);
    expect(piped.stderr).toContain("--yes");
    expect(await counts()).toEqual(before);
  });

  it("yes applies it once, audited with the token's name; the same request id again changes nothing", async () => {
    const before = await counts();
    const run = await cli(["override", ...key, "--request-id", "cli-test-override-1"], { token: tokens.operator, answers: ["yes"] });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("Override applied and audited");
    expect(run.stdout).toMatch(/^One retry: .*the breaker trips again for 7 days/m);
    expect(await counts()).toEqual({ attempts: before.attempts + 1, audit: before.audit + 1 });
    expect(await activeKeys()).not.toContain(`${PSZA}|lebronjames|${D}`);
    const audit = await api<{ rows: { actor: string; action: string }[] }>("/api/v1/audit?action=override");
    expect(audit.body.rows[0]).toMatchObject({ actor: "token:ci-operator", action: "override" });

    const replay = await cli(["override", ...key, "--request-id", "cli-test-override-1", "--yes"], { token: tokens.operator });
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain("Already applied");
    expect(await counts()).toEqual({ attempts: before.attempts + 1, audit: before.audit + 1 });
  });

  it("overriding a breaker that is no longer active is refused (exit 1)", async () => {
    const run = await cli(["override", ...key, "--yes"], { token: tokens.operator });
    expect(run.code).toBe(1);
  });
});

describe("bulk-override", () => {
  const filter = ["--date-from", D_PREV, "--date-to", D_PREV, "--reason", "Scraper outage on the 9th, backfilled and verified"];

  it("--dry-run previews per processor with a sample and changes nothing", async () => {
    const before = await counts();
    const run = await cli(["bulk-override", ...filter, "--dry-run"], { token: tokens.operator });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("Impact preview");
    expect(run.stdout).toMatch(/player_shot_zone_analysis\s+2\s+2/);
    expect(run.stdout).toContain("Total: 2 active breakers");
    expect(run.stdout).toMatch(/What the override gives these processors: One retry: /);
    expect(await counts()).toEqual(before);
  });

  it("applies exactly the previewed set after yes", async () => {
    const preview = json<{ preview: { changes: { entity_id: string; analysis_date: string }[] } }>(
      await cli(["bulk-override", ...filter, "--dry-run", "--json"], { token: tokens.operator }),
    );
    const run = await cli(["bulk-override", ...filter, "--json"], { token: tokens.operator, answers: ["yes"] });
    expect(run.code, run.stderr).toBe(0);
    const applied = json<{ changes: { entity_id: string; analysis_date: string }[]; consequence: string }>(run);
    expect(applied.consequence).toMatch(/^One retry: /);
    const keys = (cs: { entity_id: string; analysis_date: string }[]) => cs.map((c) => `${c.entity_id}|${c.analysis_date}`).sort();
    expect(keys(applied.changes)).toEqual(keys(preview.preview.changes));
    expect(await activeKeys()).toEqual([`${PSZA}|stephencurry|${D}`]);
  });

  it("nothing left to override: says so and exits 0", async () => {
    const run = await cli(["bulk-override", ...filter, "--yes"], { token: tokens.operator });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Nothing to do");
  });
});

describe("status after the overrides", () => {
  it("shows each overridden key's latest override and what it led to, as the API computes it, and counts them", async () => {
    const run = await cli(["breakers", "status", "--processor", PSZA, "--json"], { token: tokens.viewer });
    expect(run.code, run.stderr).toBe(0);
    type Outcome = { processor: string; entity_id: string; analysis_date: string; outcome: string; actor: string };
    const report = json<{ outcomes: Outcome[]; outcome_counts: Record<string, number> }>(run);
    const fromApi = await api<{ outcomes: Outcome[] }>("/api/v1/monitoring/breaker-history?outcomes=latest&page_size=500");
    const ids = (os: Outcome[]) => os.map((o) => `${o.entity_id}|${o.analysis_date}|${o.outcome}|${o.actor}`).sort();
    // The single override of lebronjames on D, the bulk override of both players on D_PREV: no run since.
    expect(ids(report.outcomes)).toEqual(
      [`lebronjames|${D}|pending|token:ci-operator`, `lebronjames|${D_PREV}|pending|token:ci-operator`, `stephencurry|${D_PREV}|pending|token:ci-operator`].sort(),
    );
    expect(ids(report.outcomes)).toEqual(ids(fromApi.body.outcomes.filter((o) => o.processor === PSZA)));
    expect(report.outcome_counts).toEqual({ processed: 0, failed_again: 0, re_tripped: 0, pending: 3, removed: 0 });
    const human = await cli(["breakers", "status", "--processor", PSZA], { token: tokens.viewer });
    expect(human.stdout).toContain("last override led to");
    expect(human.stdout).toContain("pending (no run since) (token:ci-operator)");
    expect(human.stdout).toContain("Latest override of 3 listed keys led to: 3 pending (no run since)");
    // The active list: stephencurry on D was never overridden.
    const active = await cli(["breakers", "status", "--active-only"], { token: tokens.viewer });
    expect(active.stdout).toContain("Latest override outcomes: no listed key was ever overridden");
  });
});

describe("reset", () => {
  const key = ["--processor", PSZA, "--entity", "stephencurry", "--date", D, "--reason", "Key polluted by a bad schedule import; team lead approved"];

  it("operators cannot reset; --dry-run lists the rows and changes nothing", async () => {
    const before = await counts();
    expect((await cli(["reset", ...key, "--i-understand-this-is-destructive"], { token: tokens.operator })).code).toBe(1);
    const dry = await cli(["reset", ...key, "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("3 row(s)");
    expect(await counts()).toEqual(before);
  });

  it("asks for the entity id, then DELETE, then yes — each exactly", async () => {
    const before = await counts();
    for (const answers of [["STEPHENCURRY"], ["stephencurry", "delete"], ["stephencurry", "DELETE", "no"]]) {
      const run = await cli(["reset", ...key], { answers });
      expect(run.code, JSON.stringify(answers)).toBe(1);
    }
    expect(await counts()).toEqual(before);
    const run = await cli(["reset", ...key], { answers: ["stephencurry", "DELETE", "yes"] });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("3 rows deleted");
    // Three rows went, one RESET row came: two fewer; one more audit record.
    expect(await counts()).toEqual({ attempts: before.attempts - 2, audit: before.audit + 1 });
    expect(await activeKeys()).toEqual([]);
  });

  it("--i-understand-this-is-destructive skips the prompts (automation, no terminal)", async () => {
    const run = bin(["reset", "--processor", PSZA, "--entity", "stephencurry", "--date", D_PREV, "--reason", "Automation test of the skip flag", "--i-understand-this-is-destructive", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, rowsRemoved: 4 });
  });
});

describe("restore (after the resets above)", () => {
  /** The resets recorded above, by date: the audit API lists each with its key and audit id. */
  async function resets(): Promise<Record<string, string>> {
    const { body } = await api<{ rows: { audit_id: string; keys: { analysis_date: string }[] }[] }>("/api/v1/audit?action=reset");
    return Object.fromEntries(body.rows.map((r) => [r.keys[0]!.analysis_date, r.audit_id]));
  }
  const why = ["--reason", "Reset the wrong key; putting its history back"];

  it("operators cannot restore; --dry-run lists the kept rows and changes nothing; a bad reference is bad usage", async () => {
    const id = (await resets())[D]!;
    const before = await counts();
    expect((await cli(["restore", "--audit-id", id, ...why, "--yes"], { token: tokens.operator })).code).toBe(1);
    const dry = await cli(["restore", "--audit-id", id, ...why, "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`Reset of ${PSZA} / stephencurry / ${D}`);
    expect(dry.stdout).toContain("3 row(s) kept by the reset");
    const both = await cli(["restore", "--audit-id", id, "--reset-request-id", "req-something-1", ...why]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--audit-id");
    expect((await cli(["restore", ...why])).code).toBe(2);
    expect((await cli(["restore", "--audit-id", "00000000-0000-4000-8000-000000000000", ...why, "--dry-run"])).code).toBe(2); // 404
    expect(await counts()).toEqual(before);
  });

  it("asks yes, restores the three rows (the breaker is active again); a second restore is refused", async () => {
    const id = (await resets())[D]!;
    const before = await counts();
    expect((await cli(["restore", "--audit-id", id, ...why], { answers: ["y"] })).code).toBe(1);
    expect(await counts()).toEqual(before);
    const run = await cli(["restore", "--audit-id", id, ...why], { answers: ["yes"] });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("Restored: 3 rows are back and the RESET row is gone");
    // One RESET row went, three rows came back; one more audit record.
    expect(await counts()).toEqual({ attempts: before.attempts + 2, audit: before.audit + 1 });
    expect(await activeKeys()).toContain(`${PSZA}|stephencurry|${D}`);
    const again = await cli(["restore", "--audit-id", id, ...why, "--yes"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("Already restored by token:ci-admin");
  });

  it("--yes applies without a prompt (automation, no terminal)", async () => {
    const id = (await resets())[D_PREV]!;
    const run = bin(["restore", "--audit-id", id, "--reason", "Automation test of the skip flag", "--yes", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, replay: false, rowsRestored: 4, resetAuditId: id });
  });
});

describe("bad usage and failures", () => {
  it.each([
    [["override", "--processor", PSZA, "--entity", "lebronjames", "--date", D, "--reason", "long enough reason", "--frobnicate"], "--frobnicate"],
    [["override", "--processor", PSZA, "--entity", "lebronjames", "--date", "2024-13-45", "--reason", "long enough reason"], "--date"],
    [["override", "--processor", "nope", "--entity", "lebronjames", "--date", D, "--reason", "long enough reason"], "--processor"],
    [["override", "--processor", PSZA, "--entity", "Lebron James", "--date", D, "--reason", "long enough reason"], "--entity"],
    [["override", "--processor", PSZA, "--entity", "lebronjames", "--date", D, "--reason", "short"], "--reason"],
    [["override", "--processor", PSZA, "--entity", "lebronjames", "--date", D], "--reason"],
    [["bulk-override", "--date-from", D, "--date-to", D_PREV, "--reason", "long enough reason"], "--date-to"],
    [["tokens", "create", "--name", "Bad Name", "--role", "viewer"], "--name"],
    [["tokens", "create", "--name", "fine", "--role", "root"], "--role"],
    [["tokens", "create", "--name", "fine", "--role", "viewer", "--processor", PSZA], "--processor"],
  ])("%j exits 2 naming %s", async (args, flag) => {
    const before = await counts();
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(flag);
    expect(await counts()).toEqual(before);
  });

  it("the bin exits 2 on an unknown command and without a token", () => {
    expect(bin(["frobnicate"]).code).toBe(2);
    const noToken = bin(["breakers", "status"], { COMPLETENESS_TOKEN: "" });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain("COMPLETENESS_TOKEN");
  });

  it("an unreachable console exits 3", async () => {
    const run = await cli(["breakers", "status"], { url: "http://127.0.0.1:9" });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("Could not reach the console");
  });
});
