/**
 * The demo database: `ensure` (what `npm start` runs) creates it when missing and rebuilds it,
 * saying so, when its last simulated day is more than three days old; `rebuild` always builds.
 * Only databases this tool built (they have a `.demo.json` beside them) are ever rebuilt.
 *
 * Builds into a temporary file and renames it into place, so an interrupted build never leaves
 * a half-filled database behind. Refuses while another process holds the database's lock (a
 * running console), and never replaces a database holding the console's own writes without
 * `--force` (which keeps a copy first): lib/demo/db-lock.ts.
 */
import { existsSync, renameSync, rmSync } from "node:fs";

import nextEnv from "@next/env";

import { addDays, daysBetween } from "../lib/completeness/dates";
import { DEMO_OPERATORS, buildDemoDatabase } from "../lib/demo/build";
import { countConsoleWrites } from "../lib/demo/console-writes";
import { DatabaseLockedError, acquireDatabaseLock, keepCopy } from "../lib/demo/db-lock";
import { metadataPath, readDemoMetadata, writeDemoMetadata } from "../lib/demo/metadata";
import { planDemoSeason } from "../lib/demo/plan";
import { getEnv } from "../lib/env";
import { createDuckDbWarehouse } from "../lib/warehouse/duckdb";
import { applyEmbeddedSchema } from "../lib/warehouse/schema";

const STALE_AFTER_DAYS = 3;

nextEnv.loadEnvConfig(process.cwd());
const env = getEnv();
if (env.WAREHOUSE !== "embedded") {
  console.log("[demo] WAREHOUSE is not embedded: no demo database to build.");
  process.exit(0);
}
const dbPath = env.EMBEDDED_DB_PATH;
const mode = process.argv[2] ?? "ensure";
const today = new Date().toISOString().slice(0, 10);

function reasonToBuild(): string | null {
  if (mode === "rebuild") return "rebuild requested";
  if (!existsSync(dbPath)) return `no database at ${dbPath}`;
  const meta = readDemoMetadata(dbPath);
  if (!meta) return null; // not demo data: never touched
  const age = daysBetween(meta.plan.simulateThrough, addDays(today, -1));
  return age > STALE_AFTER_DAYS ? `its last simulated day (${meta.plan.simulateThrough}) is ${age} days old` : null;
}

const reason = reasonToBuild();
if (!reason) {
  console.log(`[demo] using ${dbPath}`);
  process.exit(0);
}
if (mode !== "rebuild" && existsSync(dbPath) && !readDemoMetadata(dbPath)) process.exit(0);

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
  const writes = await countConsoleWrites(dbPath, Object.values(DEMO_OPERATORS).map((o) => o.actor)).catch((error: unknown) => {
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

const plan = planDemoSeason(today);
console.log(
  `[demo] building the demo database (${reason}): season ${plan.seasonStart}${plan.shifted ? ` (the ${plan.sourceSeasonStart} season shifted to end yesterday)` : ""} through ${plan.simulateThrough}`,
);
const tmp = `${dbPath}.building`;
rmSync(tmp, { force: true });
rmSync(`${tmp}.wal`, { force: true });
const started = performance.now();
const wh = createDuckDbWarehouse({ path: tmp, onOpen: applyEmbeddedSchema });
// Progress: redrawn in place on a terminal, one line per 10% in logs (CI, `npm start | tee`).
let lastDecile = -1;
const summary = await buildDemoDatabase(wh, plan, (p) => {
  const pct = Math.round((p.day / p.days) * 100);
  const line = `[demo] simulating night ${p.day}/${p.days} (${p.date}) ${pct}%`;
  if (process.stdout.isTTY) process.stdout.write(`\r${line}   ${p.day === p.days ? "\n" : ""}`);
  else if (Math.floor(pct / 10) > lastDecile) {
    lastDecile = Math.floor(pct / 10);
    console.log(line);
  }
});
await wh.execute("CHECKPOINT");
await wh.close();
const seconds = (performance.now() - started) / 1000;
rmSync(dbPath, { force: true });
rmSync(`${dbPath}.wal`, { force: true });
renameSync(tmp, dbPath);
writeDemoMetadata(dbPath, { plan, builtAt: new Date().toISOString(), buildSeconds: Math.round(seconds * 10) / 10, summary: { ...summary } });
console.log(
  `[demo] built in ${seconds.toFixed(1)} s: ${summary.nights} nights, ${summary.runs} processor runs, ${summary.outputRows} output rows, ${summary.attemptRows} breaker rows`,
);
for (const action of summary.operatorActions) console.log(`[demo]   ${action}`);
console.log(`[demo] metadata: ${metadataPath(dbPath)}`);
