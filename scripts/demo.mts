/**
 * The demo database: `ensure` (what `npm start` runs) creates it when missing and rebuilds it,
 * saying so, when its last simulated day is more than three days old, when it was built for
 * another profile, or by a version of this tool with another format; `rebuild` always builds.
 * Only databases this tool built (they have a `.demo.json` beside them) are ever rebuilt.
 * `advance` runs the pipeline's next pass on it now (lib/demo/advance.ts): through the file when
 * no console holds it, else through the console's `POST /api/v1/demo/advance` when
 * COMPLETENESS_URL and COMPLETENESS_TOKEN (an admin's token) are set.
 *
 *   npx tsx scripts/demo.mts ensure|rebuild [--profile console|original]
 *   npx tsx scripts/demo.mts advance
 *
 * The profile: `--profile`, else DEMO_PROFILE, else the one the existing file holds, else
 * `console`. `console`: the console's own tables, filled by its
 * engine; `original` builds the original pipeline's tables only (`sql/original/`), written the
 * way its Python processors and scripts write them; the console adds its own columns and tables
 * when it first opens the file, as it would on a real warehouse.
 *
 * Builds into a temporary file and renames it into place, so an interrupted build never leaves
 * a half-filled database behind. Refuses while another process holds the database's lock (a
 * running console), and never replaces a database holding the console's own writes without
 * `--force` (which keeps a copy first): lib/demo/db-lock.ts. The moment the build starts is
 * the database's "now": nothing after it is in it.
 */
import { existsSync, renameSync, rmSync } from "node:fs";
import { userInfo } from "node:os";

import nextEnv from "@next/env";

import { CliError, EXIT, createApiClient } from "../cli/api";
import { deploymentFromEnv } from "../lib/data/deployment";
import { advanceEmbeddedDemo } from "../lib/demo/advance";
import { DEMO_OPERATORS, buildDemoDatabase } from "../lib/demo/build";
import { countConsoleWrites } from "../lib/demo/console-writes";
import { DatabaseLockedError, acquireDatabaseLock, keepCopy, lockHolder } from "../lib/demo/db-lock";
import { DEMO_FORMAT, readDemoMetadata, rebuildReason, writeDemoMetadata } from "../lib/demo/metadata";
import { clearBuildStatus, readBuildStatus } from "../lib/warehouse/build-status";
import { metadataPath } from "../lib/warehouse/demo-mark";
import { ORIGINAL_OPERATORS, ORIGINAL_SCHEMA_DIR, buildOriginalDemoDatabase, recordGroundTruth } from "../lib/demo/original";
import { DEMO_PROFILES, type DemoProfile, planDemoSeason } from "../lib/demo/plan";
import type { AdvanceResult } from "../lib/demo/schemas";
import { getEnv } from "../lib/env";
import { createDuckDbWarehouse } from "../lib/warehouse/duckdb";
import { applyEmbeddedSchema } from "../lib/warehouse/schema";

import { type NightProgress, createProgressReporter, createStatusReporter } from "./progress";


nextEnv.loadEnvConfig(process.cwd());
// The database, its WAL, metadata and copies are the console user's only (as the server keeps them).
process.umask(0o077);
const env = getEnv();
if (env.WAREHOUSE !== "embedded") {
  // Nothing to build is fine for `npm start`; nothing to advance is a refusal.
  const advancing = process.argv.slice(2).includes("advance");
  console.log(`[demo] WAREHOUSE is not embedded: no demo database to ${advancing ? "advance (on BigQuery the real pipeline runs)" : "build"}.`);
  process.exit(advancing ? 1 : 0);
}
const dbPath = env.EMBEDDED_DB_PATH;
const args = process.argv.slice(2);
/** Flags that take a value: their values are not the mode. */
const VALUED = ["--profile", "--lock-held-by"];
const mode = args.find((a, i) => !a.startsWith("--") && !VALUED.includes(args[i - 1] ?? "")) ?? "ensure";
const profileArg = args.includes("--profile") ? args[args.indexOf("--profile") + 1] : undefined;
if (!["ensure", "rebuild", "advance"].includes(mode) || (args.includes("--profile") && !DEMO_PROFILES.includes(profileArg as DemoProfile))) {
  console.error(`[demo] usage: demo.mts ensure|rebuild [--profile ${DEMO_PROFILES.join("|")}] | demo.mts advance`);
  process.exit(2);
}
if (mode === "advance") process.exit(await advance());

function printAdvance(result: AdvanceResult): void {
  const landed = Object.entries(result.landed).map(([table, n]) => `${n} ${table}`).join(", ");
  console.log(`[demo] pipeline pass at ${result.now}: landed ${landed}`);
  for (const p of result.processors) {
    if (p.attempted === 0) continue;
    console.log(`[demo]   ${p.processor}: ${p.attempted} key(s) retried: ${p.processed} processed, ${p.failed} failed, ${p.re_tripped} re-tripped`);
  }
  if (result.keys.length === 0) console.log("[demo]   no key was due (overridden since its last attempt, cooldown over, or failing for a day)");
}

/**
 * One more pipeline pass on the demo database. The file is opened only when no console holds
 * it (a running console owns it: DuckDB refuses a second process); otherwise the console runs
 * the pass, asked over its API with an admin token, or this says how to ask it.
 */
async function advance(): Promise<number> {
  const meta = existsSync(dbPath) ? readDemoMetadata(dbPath) : null;
  if (!meta) {
    console.error(`[demo] no demo database at ${dbPath} (a database without .demo.json is never simulated on): nothing to advance. \`npm start\` or \`npm run demo:rebuild\` builds one.`);
    return EXIT.refused;
  }
  if ((meta.plan.profile ?? "console") !== "console") {
    console.error("[demo] the original profile cannot be advanced: its Python processors are simulated in memory while it is built. Rebuild it for a later moment: npm run demo:rebuild -- --profile original");
    return EXIT.refused;
  }
  const holder = lockHolder(dbPath);
  if (holder !== null && holder !== process.pid) {
    const url = process.env.COMPLETENESS_URL;
    const token = process.env.COMPLETENESS_TOKEN;
    if (!url || !token) {
      console.error(
        `[demo] ${dbPath} is held by a running console (pid ${holder}): the console runs the pass. ` +
          "POST /api/v1/demo/advance with {} as an admin, or set COMPLETENESS_URL and COMPLETENESS_TOKEN (an admin's API token) and run this again.",
      );
      return EXIT.refused;
    }
    try {
      const answer = await createApiClient(url, token).post<AdvanceResult>("/api/v1/demo/advance", {});
      console.log(`[demo] asked the console at ${url} (pid ${holder}) to run the pass`);
      printAdvance(answer);
      return EXIT.ok;
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      console.error(`[demo] the console refused the pass: ${error.message}`);
      return error.exitCode;
    }
  }
  let lock: { release(): void };
  try {
    lock = acquireDatabaseLock(dbPath);
  } catch (error) {
    if (!(error instanceof DatabaseLockedError)) throw error;
    console.error(`[demo] not advancing: ${error.message}`);
    return EXIT.refused;
  }
  const wh = createDuckDbWarehouse({ path: dbPath, onOpen: applyEmbeddedSchema });
  try {
    const outcome = await advanceEmbeddedDemo(wh, dbPath, {
      deployment: deploymentFromEnv(env, "console"),
      actor: { name: `local:${userInfo().username}`, role: "admin" },
    });
    if (!outcome.ok) {
      console.error(`[demo] not advancing: ${outcome.message}`);
      return EXIT.refused;
    }
    printAdvance(outcome.result);
    await wh.execute("CHECKPOINT");
    return EXIT.ok;
  } finally {
    await wh.close();
    lock.release();
  }
}
// Asked for explicitly, or else the profile the existing file holds (a file built with
// `--profile original` is not replaced by the next plain `npm start`), or console for a new one.
const requested: DemoProfile | null = (profileArg as DemoProfile | undefined) ?? env.DEMO_PROFILE ?? null;
const existing = existsSync(dbPath) ? readDemoMetadata(dbPath) : null;
const profile: DemoProfile = requested ?? existing?.plan.profile ?? "console";
const now = new Date().toISOString();
const today = now.slice(0, 10);

const reason = rebuildReason({ mode: mode as "ensure" | "rebuild", exists: existsSync(dbPath), meta: existing, profile: requested, today, dbPath });
if (!reason) {
  console.log(`[demo] using ${dbPath}`);
  process.exit(0);
}

// The lock and the console's writes (lib/demo/db-lock.ts). `npm start` holds the lock itself
// and passes its pid.
const force = process.argv.includes("--force");
const heldBy = process.argv.indexOf("--lock-held-by");
try {
  const lock = acquireDatabaseLock(dbPath, { allowHolder: heldBy > 0 ? Number(process.argv[heldBy + 1]) : undefined });
  process.on("exit", () => lock.release());
} catch (error) {
  if (!(error instanceof DatabaseLockedError)) throw error;
  console.error(`[demo] not rebuilding: ${error.message}`);
  process.exit(1);
}
if (existsSync(dbPath)) {
  const writes = await countConsoleWrites(dbPath, [...Object.values(DEMO_OPERATORS).map((o) => o.actor), ...Object.values(ORIGINAL_OPERATORS)]).catch((error: unknown) => {
    console.error(`[demo] not rebuilding: ${dbPath} could not be opened (is a console using it?): ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  });
  if (writes > 0 && !force) {
    const message = `${dbPath} holds ${writes} row(s) written through the console (overrides, resets, tokens)`;
    if (mode !== "rebuild") {
      console.warn(`[demo] ${message}: keeping it although its data is old (npm run demo:rebuild -- --force replaces it, keeping a copy).`);
      process.exit(0);
    }
    console.error(`[demo] not rebuilding: ${message}. Run \`npm run demo:rebuild -- --force\` to replace it anyway (a copy is kept).`);
    process.exit(1);
  }
  if (writes > 0) console.log(`[demo] ${writes} console-written row(s): kept a copy at ${keepCopy(dbPath)}`);
}

// The build's status beside the database (lib/warehouse/build-status.ts): a console started by
// `npm start` serves its progress page from it, with the same figures as the lines below. Owned
// by `npm start` when it runs this (its status stands while it runs), else by this process.
const owner = heldBy > 0 ? Number(process.argv[heldBy + 1]) : process.pid;
const status = createStatusReporter({ dbPath, owner, startedAt: readBuildStatus(dbPath)?.startedAt ?? now });
status.step("generating the season and loading its upstream rows");

const plan = { ...planDemoSeason(today), profile };
console.log(
  `[demo] building the ${profile} demo database (${reason}): season ${plan.seasonStart}${plan.shifted ? ` (the ${plan.sourceSeasonStart} season shifted to end yesterday)` : ""} through ${plan.simulateThrough}`,
);
const tmp = `${dbPath}.building`;
rmSync(tmp, { force: true });
rmSync(`${tmp}.wal`, { force: true });
const started = performance.now();
const wh = createDuckDbWarehouse({
  path: tmp,
  onOpen: profile === "original" ? (run) => applyEmbeddedSchema(run, ORIGINAL_SCHEMA_DIR) : applyEmbeddedSchema,
});
// The build's reads are many and small (one processor run, one date) and up to five run at
// once, each on its own connection: one DuckDB thread per query spends less CPU than threads
// splitting each small query (a 60-night build: 78.6 s CPU with the default, 72.2 s with one).
// A setting of this process only: the file keeps no trace of it, the console's own opening
// uses the default.
await wh.execute("SET threads = 1");
// Progress (scripts/progress.ts): nights done of the total and the time elapsed, redrawn in place
// on a terminal, a line every 10% and at least every 15 s in a log (CI, `npm start | tee`).
console.log("[demo] generating the season and loading its upstream rows, then simulating each night…");
const printProgress = createProgressReporter({ tty: Boolean(process.stdout.isTTY), write: (text) => process.stdout.write(text), startedAt: started });
const onProgress = Object.assign(
  (p: NightProgress) => {
    printProgress(p);
    status.night(p);
  },
  { done: () => printProgress.done() },
);
const summary =
  profile === "original" ? await buildOriginalDemoDatabase(wh, plan, { now, onProgress }) : await buildDemoDatabase(wh, plan, onProgress, { now });
onProgress.done();
await wh.execute("CHECKPOINT");
await wh.close();
const seconds = (performance.now() - started) / 1000;
rmSync(dbPath, { force: true });
rmSync(`${dbPath}.wal`, { force: true });
renameSync(tmp, dbPath);
// The failures' causes (the incidents' ground truth, one entry per failure) are for tests, not the metadata file.
const { failureCauses: _failureCauses, ...kept } = summary;
const recorded = "groundTruth" in kept ? { ...kept, groundTruth: recordGroundTruth(kept.groundTruth) } : { ...kept };
writeDemoMetadata(dbPath, { format: DEMO_FORMAT, plan, builtAt: now, buildSeconds: Math.round(seconds * 10) / 10, summary: recorded });
// The file and its mark are in place: from the next request on, the console opens it.
clearBuildStatus(dbPath);
const outputRows = typeof summary.outputRows === "number" ? summary.outputRows : Object.values(summary.outputRows).reduce((a, b) => a + b, 0);
console.log(
  `[demo] built in ${seconds.toFixed(1)} s: ${summary.nights} nights, ${summary.runs} processor runs, ${outputRows} output rows, ${summary.attemptRows} breaker rows`,
);
for (const action of summary.operatorActions) console.log(`[demo]   ${action}`);
console.log(`[demo] metadata: ${metadataPath(dbPath)}`);
