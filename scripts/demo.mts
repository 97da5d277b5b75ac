/**
 * The demo database: `ensure` (what `npm start` runs) creates it when missing and rebuilds it,
 * saying so, when its last simulated day is more than three days old, when it was built for
 * another profile, or by a version of this tool with another format; `rebuild` always builds.
 * Only databases this tool built (they have a `.demo.json` beside them) are ever rebuilt.
 *
 *   npx tsx scripts/demo.mts ensure|rebuild [--profile console|original]
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

import nextEnv from "@next/env";

import { DEMO_OPERATORS, buildDemoDatabase } from "../lib/demo/build";
import { countConsoleWrites } from "../lib/demo/console-writes";
import { DatabaseLockedError, acquireDatabaseLock, keepCopy } from "../lib/demo/db-lock";
import { DEMO_FORMAT, metadataPath, readDemoMetadata, rebuildReason, writeDemoMetadata } from "../lib/demo/metadata";
import { ORIGINAL_OPERATORS, ORIGINAL_SCHEMA_DIR, buildOriginalDemoDatabase, recordGroundTruth } from "../lib/demo/original";
import { DEMO_PROFILES, type DemoProfile, planDemoSeason } from "../lib/demo/plan";
import { getEnv } from "../lib/env";
import { createDuckDbWarehouse } from "../lib/warehouse/duckdb";
import { applyEmbeddedSchema } from "../lib/warehouse/schema";


nextEnv.loadEnvConfig(process.cwd());
// The database, its WAL, metadata and copies are the console user's only (as the server keeps them).
process.umask(0o077);
const env = getEnv();
if (env.WAREHOUSE !== "embedded") {
  console.log("[demo] WAREHOUSE is not embedded: no demo database to build.");
  process.exit(0);
}
const dbPath = env.EMBEDDED_DB_PATH;
const args = process.argv.slice(2);
/** Flags that take a value: their values are not the mode. */
const VALUED = ["--profile", "--lock-held-by"];
const mode = args.find((a, i) => !a.startsWith("--") && !VALUED.includes(args[i - 1] ?? "")) ?? "ensure";
const profileArg = args.includes("--profile") ? args[args.indexOf("--profile") + 1] : undefined;
if (!["ensure", "rebuild"].includes(mode) || (args.includes("--profile") && !DEMO_PROFILES.includes(profileArg as DemoProfile))) {
  console.error(`[demo] usage: demo.mts ensure|rebuild [--profile ${DEMO_PROFILES.join("|")}]`);
  process.exit(2);
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
// Progress: redrawn in place on a terminal, one line per 10% in logs (CI, `npm start | tee`).
let lastDecile = -1;
const onProgress = (p: { day: number; days: number; date: string }) => {
  const pct = Math.round((p.day / p.days) * 100);
  const line = `[demo] simulating night ${p.day}/${p.days} (${p.date}) ${pct}%`;
  if (process.stdout.isTTY) process.stdout.write(`\r${line}   ${p.day === p.days ? "\n" : ""}`);
  else if (Math.floor(pct / 10) > lastDecile) {
    lastDecile = Math.floor(pct / 10);
    console.log(line);
  }
};
const summary =
  profile === "original" ? await buildOriginalDemoDatabase(wh, plan, { now, onProgress }) : await buildDemoDatabase(wh, plan, onProgress, { now });
if (process.stdout.isTTY) process.stdout.write("\n");
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
const outputRows = typeof summary.outputRows === "number" ? summary.outputRows : Object.values(summary.outputRows).reduce((a, b) => a + b, 0);
console.log(
  `[demo] built in ${seconds.toFixed(1)} s: ${summary.nights} nights, ${summary.runs} processor runs, ${outputRows} output rows, ${summary.attemptRows} breaker rows`,
);
for (const action of summary.operatorActions) console.log(`[demo]   ${action}`);
console.log(`[demo] metadata: ${metadataPath(dbPath)}`);
