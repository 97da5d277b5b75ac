/**
 * docs/pipeline.md, run as a team would: its ```sh line creates the pipeline token through the
 * CLI, its ```env line configures the built console, and its ```python blocks — the client and
 * the processor's run, exactly as printed — check and report one processor's run over HTTP
 * against a console serving a short simulated season. The rows the run leads to in
 * reprocess_attempts, check_outcomes and the audit are compared with what the breaker rules say
 * for each entity's state before the run. A console whose warehouse does not answer makes the
 * client raise CompletenessUnavailable after its retries, each with the same run_id.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { main } from "@/cli/main";
import { configEntry, generateToken, hashToken } from "@/lib/auth/token-format";
import { type CheckResult, type OutcomesResult, checkResult, outcomesResult } from "@/lib/checks/schemas";
import { buildDeployment } from "@/lib/completeness/deployment";
import { STANDARD_COMPLETENESS_COLUMNS } from "@/lib/completeness/processors";
import { buildDemoDatabase } from "@/lib/demo/build";
import { DEMO_FORMAT, writeDemoMetadata } from "@/lib/demo/metadata";
import { shortDemoPlan } from "@/lib/demo/plan";
import { type RunningConsole, type TempDatabase, freePort, prepareDatabase, startConsole, withDatabase } from "@/test/support/console-server";

const DOC = readFileSync("docs/pipeline.md", "utf8");
const blocks = (info: string) => [...DOC.matchAll(/^```([^\n]*)\n([\s\S]*?)^```/gm)].filter((m) => m[1]!.trim() === info).map((m) => m[2]!);

/**
 * The server uses the real clock. The season ends on the last date whose nightly run (04:00–04:30
 * UTC the day after) is over: yesterday from 05:00 UTC on, the day before between midnight and
 * then — so its keys hold the night's failures whatever the hour the test runs at.
 */
const NOW = new Date().toISOString();
const plan = shortDemoPlan(new Date(Date.parse(NOW) - 5 * 3_600_000).toISOString(), { days: 40, profile: "console" });
const DATE = plan.simulateThrough;
const ADMIN = generateToken();
const PROCESSOR = "player_daily_cache";

/** The processor of the document's examples and the token's name, read from its CLI line. */
const [createLine] = blocks("sh").flatMap((b) => b.split("\n")).filter((l) => l.startsWith("npx completeness tokens create"));
const TOKEN_NAME = /--name (\S+)/.exec(createLine ?? "")?.[1];
const ENV = Object.fromEntries(blocks("env").flatMap((b) => b.split("\n").filter(Boolean).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)])));

/**
 * The driver a test needs around the document's code: a processor class whose run is the
 * document's `run`, whose work fails for one entity, and whose client records each answer.
 */
const DRIVER = String.raw`
import json, os, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pipeline_doc as doc

mode, processor, analysis_date = sys.argv[1], sys.argv[2], sys.argv[3]
fail_first = sys.argv[4:] == ["fail-first"]

class Recording(doc.CompletenessClient):
    calls = []
    def _post(self, path, body):
        answer = doc.CompletenessClient._post(self, path, body)
        Recording.calls.append({"path": path, "body": body, "answer": answer})
        return answer

if mode == "run":
    class Processor:
        run = doc.run
        table_name = processor
        def __init__(self):
            self.completeness = Recording.from_env(timeout=120)
            self.failed = None
            self.saved = []
        def process_entity(self, entity_id, date):
            if fail_first and self.failed is None:
                self.failed = entity_id
                raise ArithmeticError("a calculation error, as processors have")
            return {"entity_id": entity_id, "game_date": str(date)}
        def save_rows(self, rows):
            self.saved.extend(rows)
    p = Processor()
    returned = p.run(analysis_date)
    check, report = Recording.calls[0], Recording.calls[1]
    # A retry sends the same body again: answered from what was decided and written.
    again_check = p.completeness.check(processor, analysis_date, check["body"]["run_id"])
    run_id = check["body"]["run_id"]
    again_report = p.completeness.report(run_id, processor, analysis_date, report["body"]["outcomes"])
    print(json.dumps({"failed": p.failed, "saved": p.saved, "returned": returned, "calls": Recording.calls[:2],
                      "again": [again_check["replay"], again_report["replay"], again_report["rows_written"]]}))
else:
    client = doc.CompletenessClient(os.environ["COMPLETENESS_URL"], os.environ["COMPLETENESS_TOKEN"], timeout=30, retries=2, backoff=0.05)
    started = time.monotonic()
    try:
        if mode == "refused":
            client.check("ml_feature_store_v2", analysis_date, "refused-run")
        else:
            client.check(processor, analysis_date, "unanswered-run")
        print(json.dumps({"raised": None}))
    except doc.CompletenessUnavailable as error:
        print(json.dumps({"raised": "CompletenessUnavailable", "status": error.status, "message": str(error), "seconds": time.monotonic() - started}))
    except doc.CompletenessError as error:
        print(json.dumps({"raised": "CompletenessError", "status": error.status, "code": error.code, "message": str(error)}))
`;

let dir: string;

function python(args: string[], env: Record<string, string>): Promise<{ out: Record<string, unknown>; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile("python3", [path.join(dir, "driver.py"), ...args], { env: { NODE_ENV: process.env.NODE_ENV, PATH: process.env.PATH, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 240_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`python3 ${args.join(" ")} failed: ${error.message}\n${stderr}`));
      else resolve({ out: JSON.parse(stdout) as Record<string, unknown>, stderr });
    });
  });
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "pipeline-client-"));
  expect(blocks("python").length).toBeGreaterThanOrEqual(2);
  writeFileSync(path.join(dir, "pipeline_doc.py"), blocks("python").join("\n\n"));
  writeFileSync(path.join(dir, "driver.py"), DRIVER);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface PythonRun {
  failed: string | null;
  saved: Record<string, unknown>[];
  returned: unknown[];
  calls: { path: string; body: Record<string, unknown>; answer: unknown }[];
  again: [boolean, boolean, number];
  check: CheckResult;
  report: OutcomesResult;
  sent: { entity_id: string; outcome: string; reason?: string }[];
}

describe("the document's client against a console on a simulated season", () => {
  let db: TempDatabase;
  let server: RunningConsole;
  /** The night's run, one entity failing; then two more runs of the same date, nothing failing. */
  const runs: PythonRun[] = [];
  let refused: Record<string, unknown>;
  const pipelineName = buildDeployment({ readers: { [PROCESSOR]: "console" } })[PROCESSOR].pipelineName;

  beforeAll(async () => {
    db = await prepareDatabase(async (wh) => {
      await buildDemoDatabase(wh, plan, () => {}, { now: NOW });
      await wh.execute("CHECKPOINT");
    });
    writeDemoMetadata(db.path, { format: DEMO_FORMAT, plan, builtAt: NOW, buildSeconds: 0, summary: {} });
    expect(ENV.BREAKER_READERS, "the document's env block").toMatch(new RegExp(`${PROCESSOR}=console`));
    server = await startConsole({ dbPath: db.path, env: { ...ENV, API_TOKENS: configEntry({ name: "docs-admin", role: "admin", sha256: hashToken(ADMIN) }), CACHE_TTL_SECONDS: "0" } });

    // The document's token, made by its own command line.
    expect(createLine, "docs/pipeline.md has a `tokens create` line").toBeDefined();
    let stdout = "";
    let stderr = "";
    const code = await main(createLine!.split(/\s+/).slice(2), {
      stdin: Readable.from([]),
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      env: { COMPLETENESS_URL: server.url, COMPLETENESS_TOKEN: ADMIN },
    });
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    const env = { COMPLETENESS_URL: server.url, COMPLETENESS_TOKEN: /cct_[A-Za-z0-9_-]{43}/.exec(stdout)![0] };

    for (const fail of ["fail-first", "fail-none", "fail-none"]) {
      const out = (await python(["run", PROCESSOR, DATE, fail], env)).out as unknown as PythonRun;
      runs.push({ ...out, check: checkResult.parse(out.calls[0]!.answer), report: outcomesResult.parse(out.calls[1]!.answer), sent: out.calls[1]!.body.outcomes as PythonRun["sent"] });
    }
    refused = (await python(["refused", PROCESSOR, DATE], env)).out;
    const contract = await fetch(`${server.url}/api/v1/openapi.json`);
    expect(contract.status, "the contract needs no token").toBe(200);
    expect(((await contract.json()) as { openapi: string }).openapi).toBe("3.1.0");
    await server.stop();
  }, 600_000);
  afterAll(async () => {
    await server?.stop();
    db?.remove();
  });

  it("checks every entity once, processes those the check lets through and merges their columns", () => {
    for (const [i, run] of runs.entries()) {
      const { check } = run;
      expect(run.calls.map((c) => c.path)).toEqual(["/api/v1/checks", `/api/v1/checks/${check.run_id}/outcomes`]);
      expect(check).toMatchObject({ processor: PROCESSOR, analysis_date: DATE, breaker_reader: "console", pipeline_name: pipelineName, replay: false });
      expect(check.entities.length).toBeGreaterThan(100);
      const processed = check.entities.filter((e) => e.decision === "process");
      expect(processed.length).toBeGreaterThan(1);
      expect(run.failed).toBe(i === 0 ? processed[0]!.entity_id : null);
      // Every processed entity but the failed one is saved, its row carrying the check's columns unchanged.
      expect(run.saved.map((r) => r.entity_id)).toEqual(processed.filter((e) => e.entity_id !== run.failed).map((e) => e.entity_id));
      expect(run.returned).toEqual(run.saved);
      for (const row of run.saved) {
        const entity = processed.find((e) => e.entity_id === row.entity_id)!;
        expect(row).toEqual({ entity_id: entity.entity_id, game_date: DATE, ...entity.columns });
        for (const c of STANDARD_COMPLETENESS_COLUMNS) expect(row, c.name).toHaveProperty(c.name);
      }
      expect(run.sent).toEqual(
        check.entities.map((e) =>
          e.decision === "skip"
            ? { entity_id: e.entity_id, outcome: "skipped" }
            : e.entity_id === run.failed
              ? { entity_id: e.entity_id, outcome: "failed", reason: "PROCESSING_ERROR" }
              : { entity_id: e.entity_id, outcome: "processed" },
        ),
      );
    }
    expect(new Set(runs.map((r) => r.check.run_id)).size).toBe(runs.length);
  });

  it("leads to the attempt rows the breaker rules call for, under the pipeline's name, once", async () => {
    const results = await withDatabase(db.path, (wh) =>
      Promise.all(
        runs.map(async ({ check }) => {
          const run = { params: { run: check.run_id }, types: { run: "STRING" as const } };
          return {
            attempts: await wh.query<Record<string, unknown>>(
              `SELECT processor_name, entity_id, CAST(analysis_date AS STRING) AS analysis_date, attempt_number, event_type, skip_reason,
                      circuit_breaker_tripped, attempted_at, actor, batch_id
               FROM nba_orchestration.reprocess_attempts WHERE batch_id = @run ORDER BY entity_id`,
              run,
            ),
            outcomes: await wh.query<Record<string, unknown>>(
              "SELECT entity_id, outcome, reason, actor, event_type, attempt_number FROM nba_orchestration.check_outcomes WHERE run_id = @run ORDER BY entity_id",
              run,
            ),
            // The key's attempts written before this run decided.
            prior: await wh.query<{ entity_id: string; n: unknown }>(
              `SELECT entity_id, MAX(attempt_number) AS n FROM nba_orchestration.reprocess_attempts
               WHERE analysis_date = @date AND processor_name = @name AND attempted_at < @at GROUP BY entity_id`,
              { params: { date: DATE, name: pipelineName, at: check.checked_at }, types: { date: "DATE", name: "STRING", at: "TIMESTAMP" } },
            ),
          };
        }),
      ),
    );
    const events: string[][] = [];
    for (const [i, { check, report, sent, failed, again }] of runs.entries()) {
      const { attempts, outcomes, prior } = results[i]!;
      const priorNumber = new Map(prior.map((r) => [r.entity_id, Number(r.n)]));
      // The rules, from each entity's breaker before the run: a failure (or a skip for incomplete
      // data or upstreams) is a failed attempt, tripping on the third in a row or the first after a
      // cooldown; a success after failures closes the streak; a recovery follows a cooldown or an
      // override; an active breaker's skip and a clean success write nothing.
      const expected = check.entities.flatMap((e) => {
        const b = e.breaker;
        let kind: "failed" | "ok" | null;
        if (e.entity_id === failed) kind = "failed";
        else if (e.decision === "skip") kind = e.action === "skip_breaker_active" ? null : "failed";
        else kind = b.status === "failing" || b.status === "half_open" || (b.status === "closed" && b.last_event === "override") ? "ok" : null;
        if (!kind) return [];
        const trips = kind === "failed" && (b.status === "half_open" || b.consecutive_failures + 1 >= 3);
        return [
          {
            processor_name: pipelineName,
            entity_id: e.entity_id,
            analysis_date: DATE,
            attempt_number: (priorNumber.get(e.entity_id) ?? 0) + 1,
            event_type: kind === "ok" ? (b.status === "failing" ? "success" : "recovery") : trips ? "trip" : "failure",
            skip_reason: e.entity_id === failed ? "PROCESSING_ERROR" : kind === "failed" ? e.skip_reason : null,
            circuit_breaker_tripped: trips,
            // Stamped at the check's instant (no row of the key was written since), by no person.
            attempted_at: check.checked_at,
            actor: null,
            batch_id: check.run_id,
          },
        ];
      });
      expected.sort((a, b) => a.entity_id.localeCompare(b.entity_id));
      expect(attempts.map((r) => ({ ...r, attempt_number: Number(r.attempt_number), attempted_at: new Date(String(r.attempted_at)).toISOString() }))).toEqual(expected);
      expect(report.rows_written).toBe(expected.length);
      events.push(expected.map((r) => `${r.entity_id}:${r.event_type}`));

      // check_outcomes: each reported entity once, with what was written for it.
      const written = new Map(expected.map((r) => [r.entity_id, r]));
      expect(outcomes.map((o) => ({ ...o, attempt_number: o.attempt_number === null ? null : Number(o.attempt_number) }))).toEqual(
        [...sent]
          .sort((a, b) => a.entity_id.localeCompare(b.entity_id))
          .map((o) => ({
            entity_id: o.entity_id,
            outcome: o.outcome,
            reason: o.reason ?? null,
            actor: `token:${TOKEN_NAME}`,
            event_type: written.get(o.entity_id)?.event_type ?? null,
            attempt_number: written.get(o.entity_id)?.attempt_number ?? null,
          })),
      );
      // The retried check and report were answered from what was stored, writing nothing again.
      expect(again).toEqual([true, true, 0]);
    }
    // The failed entity has its failure with the processor's reason; the next run processes it,
    // closing the streak. The night's incomplete entities, skipped again, trip; the run after that
    // skips them for their active breaker and records nothing for them.
    const failed = runs[0]!.failed!;
    expect(events[0]).toContain(`${failed}:failure`);
    expect(events[1]).toContain(`${failed}:success`);
    const tripped = events[1]!.filter((e) => e.endsWith(":trip")).map((e) => e.split(":")[0]!);
    expect(tripped.length).toBeGreaterThan(0);
    for (const entity of tripped) {
      expect(runs[2]!.check.entities.find((e) => e.entity_id === entity)).toMatchObject({ action: "skip_breaker_active", skip_reason: "circuit_breaker_active" });
      expect(events[2]!.filter((e) => e.startsWith(`${entity}:`))).toEqual([]);
    }
  });

  it("is audited under the token's name, and refused with the server's message outside its processor", async () => {
    const audit = await withDatabase(db.path, (wh) =>
      wh.query<{ action: string; actor: string; actor_role: string; request_id: string; key_count: unknown }>(
        "SELECT action, actor, actor_role, request_id, key_count FROM nba_orchestration.breaker_audit_log WHERE action LIKE 'pipeline_%' ORDER BY created_at",
      ),
    );
    const record = (action: string, id: string, keys: number) => ({ action, actor: `token:${TOKEN_NAME}`, actor_role: "pipeline", request_id: `${id}:${PROCESSOR}:${DATE}`, key_count: keys });
    // Each run: its check (no skip recorded: no key), then its report (a key per attempt row).
    expect(audit.map((a) => ({ ...a, key_count: Number(a.key_count) }))).toEqual(
      runs.flatMap(({ check, report }) => [record("pipeline_check", `check:${check.run_id}`, 0), record("pipeline_outcomes", `outcomes:${check.run_id}`, report.rows_written)]),
    );
    expect(refused).toMatchObject({ raised: "CompletenessError", status: 403, code: "forbidden" });
    expect(String(refused.message)).toContain(`may check ${PROCESSOR} only`);
  });
});

describe("the document's client against a console whose warehouse does not answer", () => {
  it("raises CompletenessUnavailable after its retries, every try a 503 for the same run", async () => {
    const db = await prepareDatabase();
    const pipeline = generateToken();
    const closed = await freePort();
    const server = await startConsole({
      dbPath: db.path,
      waitFor: "listening",
      env: {
        WAREHOUSE: "bigquery",
        BIGQUERY_PROJECT: "x",
        BIGQUERY_API_ENDPOINT: `http://127.0.0.1:${closed}`,
        BIGQUERY_JOB_TIMEOUT_MS: "2000",
        AUTH_DEMO_ACCOUNTS: "true",
        DEMO_PASSWORD_VIEWER: "viewer-unavailable-test",
        DEMO_PASSWORD_OPERATOR: "operator-unavailable-test",
        DEMO_PASSWORD_ADMIN: "admin-unavailable-test",
        BREAKER_READERS: "console",
        // A configured token: authentication needs no warehouse.
        API_TOKENS: configEntry({ name: "nightly", role: "pipeline", sha256: hashToken(pipeline) }),
      },
    });
    try {
      const { out } = await python(["unavailable", PROCESSOR, DATE], { COMPLETENESS_URL: server.url, COMPLETENESS_TOKEN: pipeline });
      expect(out).toMatchObject({ raised: "CompletenessUnavailable", status: 503 });
      expect(String(out.message)).toMatch(/no answer after 3 tries: HTTP 503 unavailable: The warehouse did not answer/);
      // Three tries reached the check service (the client's retries = 2), each refused as unanswered.
      expect(server.output().match(/\[checks\] the warehouse did not answer/g)).toHaveLength(3);
    } finally {
      await server.stop();
      db.remove();
    }
  }, 120_000);
});
