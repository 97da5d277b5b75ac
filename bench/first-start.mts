/**
 * The first start, as a new user lives it: a fresh clone of the current commit, `npm ci` (timed,
 * not counted), then `npm start` on a free port with a database path nothing exists at. Measured
 * from `npm start` launched:
 *   - until the sign-in page answers 200, and the build-progress page (/starting) answers;
 *   - until the demo season is ready: /api/health says ok and a signed-in viewer gets the overview;
 *   - the season build alone, from the builder's own line (`[demo] built in … s`).
 * Prints a markdown table and writes bench/results/latest-first-start.json and .md. Takes both
 * cores for a few minutes; the load average before and after is recorded with the figures.
 *
 *   npx tsx bench/first-start.mts [--keep]     # --keep: leave the clone in the temp dir
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const keep = process.argv.includes("--keep");
const TIMEOUT_MS = 15 * 60_000;

function sh(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): number {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd, env, stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal})`);
  return (performance.now() - started) / 1000;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const load = () => loadavg().map((l) => Math.round(l * 100) / 100);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function status(url: string, init: RequestInit = {}): Promise<number | null> {
  try {
    const response = await fetch(url, { redirect: "manual", ...init, signal: AbortSignal.timeout(5_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return null;
  }
}

/** Signs in as the demo viewer the way the sign-in form does; returns the cookie header. */
async function signIn(base: string): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const response = await fetch(`${base}/api/auth/callback/demo`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: csrfCookie, origin: base, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken, username: "viewer", password: "viewer-demo", callbackUrl: "/", json: "true" }).toString(),
  });
  const session = response.headers.getSetCookie().map((c) => c.split(";")[0]!).find((c) => c.startsWith("next-auth.session-token="));
  if (!session) throw new Error(`sign-in refused (HTTP ${response.status})`);
  return session;
}

const dir = mkdtempSync(join(tmpdir(), "first-start-"));
const clone = join(dir, "console");
let server: ChildProcess | null = null;
const stop = () => {
  if (server?.pid) {
    // npm start runs npx, which runs next and tsx: the whole group goes.
    try {
      process.kill(-server.pid, "SIGTERM");
    } catch {
      /* gone */
    }
  }
};
process.on("exit", () => {
  stop();
  if (!keep) rmSync(dir, { recursive: true, force: true });
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

const commit = spawnSync("git", ["rev-parse", "HEAD"], { cwd: root }).stdout.toString().trim();
const loadBefore = load();
console.log(`[first-start] cloning ${commit.slice(0, 10)} into ${clone} (load average ${loadBefore.join(", ")})`);
sh("git", ["clone", "--quiet", "--no-hardlinks", root, clone], dir);
sh("git", ["checkout", "--quiet", commit], clone);
console.log("[first-start] npm ci (not counted)…");
const installSeconds = sh("npm", ["ci", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], clone);

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
// The built-in demo passwords (viewer-demo): the ones a new user reads on the sign-in page.
const env = { ...process.env, DEMO_PASSWORD_VIEWER: "viewer-demo", PORT: String(port), WAREHOUSE: "embedded", EMBEDDED_DB_PATH: join(clone, "data", "first-start.duckdb"), NEXTAUTH_URL: "", NEXT_DIST_DIR: "" };
const log = createWriteStream(join(dir, "npm-start.log"));
let buildSeconds: number | null = null;
let nextBuildDoneAt: number | null = null;
const loadAtStart = load();
const t0 = performance.now();
const since = () => Math.round((performance.now() - t0) / 100) / 10;
server = spawn("npm", ["start"], { cwd: clone, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
let lineBuffer = "";
const onOutput = (chunk: Buffer) => {
  log.write(chunk);
  lineBuffer += chunk.toString();
  const lines = lineBuffer.split(/\r|\n/);
  lineBuffer = lines.pop() ?? "";
  for (const line of lines) {
    const built = /\[demo\] built in ([\d.]+) s/.exec(line);
    if (built) buildSeconds = Number(built[1]);
    if (line.startsWith("[start] serving on port")) nextBuildDoneAt = since();
    if (/^\[(start|demo)\]/.test(line) && !/night \d+\//.test(line)) console.log(`  ${since().toFixed(1)} s  ${line}`);
  }
};
server.stdout!.on("data", onOutput);
server.stderr!.on("data", onOutput);
let exited: number | null = null;
server.on("exit", (code) => (exited = code ?? 1));

let signInAt: number | null = null;
let progressAt: number | null = null;
let healthyAt: number | null = null;
let overviewAt: number | null = null;
let progressSeen = false;
while (overviewAt === null) {
  if (exited !== null) throw new Error(`npm start exited (${exited}) before the console was ready: see ${join(dir, "npm-start.log")}`);
  if (performance.now() - t0 > TIMEOUT_MS) throw new Error("the console was not ready in 15 minutes");
  if (signInAt === null && (await status(`${base}/login`)) === 200) signInAt = since();
  if (progressAt === null) {
    const s = await status(`${base}/starting`);
    // 200 while the build runs; a redirect to the console once it is over.
    if (s !== null && s < 500) {
      progressAt = since();
      progressSeen = s === 200;
    }
  }
  if (healthyAt === null && (await status(`${base}/api/health`)) === 200) healthyAt = since();
  if (healthyAt !== null && overviewAt === null) {
    const cookie = await signIn(base);
    if ((await status(`${base}/`, { headers: { cookie } })) === 200) overviewAt = since();
  }
  if (overviewAt === null) await sleep(250);
}
const loadAfter = load();
stop();

const result = {
  at: new Date().toISOString(),
  commit,
  cores: cpus().length,
  loadAverage: { before: loadBefore, atStart: loadAtStart, after: loadAfter },
  npmCiSeconds: Math.round(installSeconds * 10) / 10,
  nextBuildSeconds: nextBuildDoneAt,
  signInSeconds: signInAt,
  progressPageSeconds: progressAt,
  progressPageShownDuringBuild: progressSeen,
  readySeconds: overviewAt,
  healthySeconds: healthyAt,
  seasonBuildSeconds: buildSeconds,
  targets: { answersSeconds: 60, readySeconds: 90, seasonBuildSeconds: 30 },
};
const row = (what: string, value: number | null, target: string) => `| ${what} | ${value === null ? "—" : `${value.toFixed(1)} s`} | ${target} |`;
const md = [
  `First start of ${commit.slice(0, 10)} on ${result.cores} cores (load average ${loadAtStart.join(", ")} at \`npm start\`, ${loadAfter.join(", ")} at the end), measured from \`npm start\` after \`npm ci\` (${result.npmCiSeconds} s, not counted):`,
  "",
  "| step | seconds | target |",
  "|---|---:|---:|",
  row("`next build` done, server starting", result.nextBuildSeconds, ""),
  row("sign-in page answers 200", signInAt, "≤ 60 s"),
  row(`build-progress page answers${progressSeen ? "" : " (build already over)"}`, progressAt, "≤ 60 s"),
  row("demo season ready (health ok, overview 200 signed in)", overviewAt, "≤ 90 s"),
  row("season build alone (the builder's line)", buildSeconds, "≤ 30 s"),
  "",
].join("\n");
console.log(`\n${md}`);
mkdirSync(join(root, "bench", "results"), { recursive: true });
writeFileSync(join(root, "bench", "results", "latest-first-start.json"), `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(join(root, "bench", "results", "latest-first-start.md"), md);
process.exit(0);
