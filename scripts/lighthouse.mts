/**
 * `npm run lighthouse`: Lighthouse (mobile, its default simulated throttling) on the console's
 * main pages, signed in, with a pass mark per category. Not part of `npm test`: it takes minutes
 * and its performance score moves with the machine's load (on a shared 2-core machine by ±0.05
 * or more between runs), so it is a measurement to repeat, not a gate for every change.
 *
 *   npm run build && npm run lighthouse                       # serves the build on a copy of the demo
 *   npm run lighthouse -- --url http://127.0.0.1:3000         # a console already running
 *   npm run lighthouse -- --pages trends,overview --runs 3    # some pages; the median of 3 runs
 *
 * Options: --url (a running console; else the built one is started on a copy of the demo database
 * `--db`, default data/console.duckdb, built first when missing), --user / --password (default
 * viewer / viewer-demo, the demo account), --pages, --runs, --out (the JSON reports, default
 * data/lighthouse/). Chromium: CHROME_PATH (default /usr/bin/chromium), read by chrome-launcher.
 *
 * Exits 1 when a page scores below 0.90 in performance or 0.95 in accessibility or best practices.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

import { type RunningConsole, startConsole } from "../test/support/console-server";

const PASS = { performance: 0.9, accessibility: 0.95, "best-practices": 0.95 } as const;
type Category = keyof typeof PASS;
const CATEGORIES = Object.keys(PASS) as Category[];

const { values: args } = parseArgs({
  options: {
    url: { type: "string" },
    db: { type: "string", default: "data/console.duckdb" },
    user: { type: "string", default: "viewer" },
    password: { type: "string" },
    pages: { type: "string" },
    runs: { type: "string", default: "1" },
    out: { type: "string", default: "data/lighthouse" },
  },
});
const runs = Math.max(1, Number(args.runs) || 1);

/** Signs in the way the browser does (CSRF token, then the demo accounts' callback): the session cookie. */
async function signIn(base: string, username: string, password: string): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = csrf.headers.getSetCookie().map((c) => c.split(";")[0]);
  const res = await fetch(`${base}/api/auth/callback/demo`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: jar.join("; "), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken, username, password, callbackUrl: `${base}/`, json: "true" }).toString(),
  });
  const session = res.headers.getSetCookie().map((c) => c.split(";")[0]!).find((c) => c.includes("session-token="));
  if (!session) throw new Error(`Sign-in as ${username} failed (HTTP ${res.status}): check --user and --password`);
  return session;
}

/** An entity page worth measuring: the first active breaker's entity and date (else the first entity below threshold). */
async function entityPath(base: string, cookie: string): Promise<string> {
  for (const name of ["active-breakers", "below-threshold"] as const) {
    const res = await fetch(`${base}/api/v1/monitoring/${name}`, { headers: { cookie } });
    if (!res.ok) continue;
    const { rows } = (await res.json()) as { rows: { entity_id: string; analysis_date?: string; date?: string }[] };
    const row = rows[0];
    if (row) return `/entities/${encodeURIComponent(row.entity_id)}?date=${row.analysis_date ?? row.date}`;
  }
  throw new Error("No entity to measure: the database has no active breaker and no entity below threshold");
}

/** A console to measure: the one at --url, or the build served on a copy of the demo database. */
async function target(): Promise<{ base: string; stop: () => Promise<void> }> {
  if (args.url) return { base: args.url.replace(/\/$/, ""), stop: async () => {} };
  if (!existsSync(args.db)) {
    console.log(`[lighthouse] no demo database at ${args.db}: building it (minutes on 2 cores)…`);
    const built = spawnSync("npx", ["tsx", "--conditions=react-server", "scripts/demo.mts", "ensure"], { stdio: "inherit", env: { ...process.env, EMBEDDED_DB_PATH: args.db } });
    if (built.status !== 0) process.exit(built.status ?? 1);
  }
  // A copy: the server holds its database's lock, and a console may be serving the original.
  const dir = mkdtempSync(path.join(tmpdir(), "console-lighthouse-"));
  const db = path.join(dir, "console.duckdb");
  copyFileSync(args.db, db);
  if (existsSync(`${args.db}.wal`)) copyFileSync(`${args.db}.wal`, `${db}.wal`);
  if (existsSync(`${args.db}.demo.json`)) copyFileSync(`${args.db}.demo.json`, `${db}.demo.json`);
  let server: RunningConsole;
  try {
    server = await startConsole({ dbPath: db, timeoutMs: 120_000 });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  console.log(`[lighthouse] serving the build on ${server.url} (a copy of ${args.db})`);
  return {
    base: server.url,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const console_ = await target();
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH ?? "/usr/bin/chromium",
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let failed = false;
try {
  const { base } = console_;
  const cookie = await signIn(base, args.user, args.password ?? `${args.user}-demo`);
  const all: Record<string, string> = {
    overview: "/",
    breakers: "/breakers",
    trends: "/trends",
    entity: await entityPath(base, cookie),
    audit: "/audit",
  };
  const wanted = args.pages ? args.pages.split(",").map((p) => p.trim()) : Object.keys(all);
  mkdirSync(args.out, { recursive: true });
  // Warm each page once (first compilation of server code paths, the data layer's caches), unmeasured.
  for (const name of wanted) await fetch(`${base}${all[name]}`, { headers: { cookie } });

  console.log(`[lighthouse] ${runs} run(s) per page, mobile, simulated throttling; pass: ${CATEGORIES.map((c) => `${c} ≥ ${PASS[c]}`).join(", ")}`);
  for (const name of wanted) {
    const pagePath = all[name];
    if (!pagePath) throw new Error(`Unknown page "${name}": one of ${Object.keys(all).join(", ")}`);
    const scores: Record<Category, number[]> = { performance: [], accessibility: [], "best-practices": [] };
    const metrics: Record<string, number[]> = { lcp: [], tbt: [], cls: [] };
    const failing = new Set<string>();
    for (let i = 0; i < runs; i++) {
      const result = await lighthouse(`${base}${pagePath}`, {
        port: Number(chrome.port),
        output: "json",
        logLevel: "error",
        onlyCategories: [...CATEGORIES],
        extraHeaders: { Cookie: cookie },
        // The full-page screenshot stretches the viewport over the whole page, which mounts every
        // chart that waits to be scrolled to, inside the measured trace: work no visitor's load does.
        disableFullPageScreenshot: true,
      });
      if (!result) throw new Error(`Lighthouse returned nothing for ${name}`);
      const lhr = result.lhr;
      if (lhr.runtimeError) throw new Error(`${name}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
      for (const c of CATEGORIES) scores[c].push(lhr.categories[c]?.score ?? 0);
      metrics.lcp!.push(lhr.audits["largest-contentful-paint"]?.numericValue ?? NaN);
      metrics.tbt!.push(lhr.audits["total-blocking-time"]?.numericValue ?? NaN);
      metrics.cls!.push(lhr.audits["cumulative-layout-shift"]?.numericValue ?? NaN);
      for (const c of ["accessibility", "best-practices"] as const) {
        for (const ref of lhr.categories[c]?.auditRefs ?? []) {
          const audit = lhr.audits[ref.id];
          if (ref.weight > 0 && audit && audit.score !== null && audit.score < 1) failing.add(`${c}: ${ref.id}`);
        }
      }
      writeFileSync(path.join(args.out, `${name}${runs > 1 ? `-${i + 1}` : ""}.json`), JSON.stringify(lhr));
    }
    const shown = CATEGORIES.map((c) => median(scores[c]));
    const below = CATEGORIES.filter((c) => median(scores[c]) < PASS[c]);
    if (below.length) failed = true;
    console.log(
      `${name.padEnd(9)} ${shown.map((s) => s.toFixed(2)).join(" / ")}  (perf / a11y / best practices)  LCP ${Math.round(median(metrics.lcp!))} ms · TBT ${Math.round(median(metrics.tbt!))} ms · CLS ${median(metrics.cls!).toFixed(3)}  ${below.length ? `BELOW: ${below.join(", ")}` : "ok"}  ${pagePath}`,
    );
    for (const f of failing) console.log(`          - ${f}`);
  }
} finally {
  chrome.kill();
  await console_.stop();
}
process.exit(failed ? 1 : 0);
