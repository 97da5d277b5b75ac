/**
 * The overview page under warehouse faults, as a viewer sees it: the built
 * console started with WAREHOUSE=bigquery, its real BigQuery adapter pointed at the REST fake,
 * and the page's HTML read over HTTP with a viewer's session.
 *
 * Why the built server rather than rendering the component: the page is an async server
 * component with streamed Suspense panels, client panels hydrated from server data and a
 * per-panel error boundary; only `next start` runs all of that as production does, and it
 * exercises the adapter built from configuration (BIGQUERY_API_ENDPOINT, BIGQUERY_JOB_TIMEOUT_MS)
 * rather than one a test constructed. CACHE_TTL_SECONDS=0 makes every load read the warehouse
 * (in-flight sharing still applies), so no test waits for a cache to expire.
 *
 * Each load is checked panel by panel: the failing panel shows its safe error and its last good
 * rows marked stale; the alerts, the data-as-of stamp and the warehouse status render normally.
 * Attempts are counted at the fake: invalidQuery and a timeout once, a 503 retried.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { formatPct } from "@/lib/format";
import { BigQueryFake, errorResponse, rowsResponse } from "@/test/support/bigquery-fake";
import { type RunningConsole, type TempDatabase, TEST_AUTH_SECRET, prepareDatabase, startConsole } from "@/test/support/console-server";
import { answerState, healthReadyPctAt, monitoringResponder, readyPctAt, setFault } from "@/test/support/monitoring-answers";
import { sessionCookie } from "@/test/support/session";

const TIMEOUT_MS = 1_000;

const fake = new BigQueryFake();
const state = answerState();
let db: TempDatabase;
let server: RunningConsole;
let cookie: string;

beforeAll(async () => {
  await fake.start();
  fake.respond(monitoringResponder(state));
  db = await prepareDatabase();
  server = await startConsole({
    dbPath: db.path,
    env: {
      WAREHOUSE: "bigquery",
      BIGQUERY_PROJECT: "fake-project",
      BIGQUERY_API_ENDPOINT: fake.url,
      BIGQUERY_JOB_TIMEOUT_MS: String(TIMEOUT_MS),
      AUTH_DEMO_ACCOUNTS: "true",
      // The built-in demo passwords are public: BigQuery with demo accounts needs its own.
      DEMO_PASSWORD_VIEWER: "viewer-faults-test",
      DEMO_PASSWORD_OPERATOR: "operator-faults-test",
      DEMO_PASSWORD_ADMIN: "admin-faults-test",
      CACHE_TTL_SECONDS: "0",
    },
  });
  cookie = await sessionCookie("viewer", "viewer", Date.now(), TEST_AUTH_SECRET);
});

afterAll(async () => {
  await server?.stop();
  await fake.stop();
  db?.remove();
});

beforeEach(() => {
  state.faults.clear();
  state.calls.clear();
});

/** The overview's HTML (the whole stream: every Suspense panel resolved), text-node separators removed. */
async function overview(query = ""): Promise<string> {
  const response = await fetch(`${server.url}/${query}`, { headers: { cookie } });
  const html = await response.text();
  expect(response.status, server.output()).toBe(200);
  // React separates adjacent text nodes with empty comments; the tests read the text.
  return html.replaceAll("<!-- -->", "");
}

/** The element carrying `data-testid=id`, from its opening tag to its closing tag (no nesting of the same tag inside). */
function part(html: string, id: string): string {
  const at = html.indexOf(`data-testid="${id}"`);
  if (at === -1) return "";
  const start = html.lastIndexOf("<", at);
  const tag = /^<(\w+)/.exec(html.slice(start))![1]!;
  const end = html.indexOf(`</${tag}>`, at);
  return html.slice(start, end + tag.length + 3);
}

const STALE = 'data-testid="stale-notice"';

function expectHealthyOthers(html: string, generation: number): void {
  const alerts = part(html, "alert-banner");
  expect(alerts).toContain("alert-warning"); // health's ready % is under 90: the warning alert
  expect(alerts).not.toContain(STALE);
  expect(part(html, "data-as-of")).toContain("Data as of");
  expect(part(html, "data-as-of")).not.toContain("warehouse is failing");
  expect(part(html, "warehouse-status")).toContain("Reachable");
  // The processors panel's 7-day figures come from health, which is fresh.
  expect(part(html, "processors-panel")).toContain(formatPct(healthReadyPctAt(generation)));
}

describe("the overview on BigQuery, with one read failing", () => {
  it("renders every panel fresh when the warehouse answers", async () => {
    state.generation = 1;
    const html = await overview();
    const processors = part(html, "processors-panel");
    expect(processors).toContain('data-testid="processor-row-team_defense_zone_analysis"');
    expect(processors).toContain(formatPct(readyPctAt(1)));
    expect(html).not.toContain(STALE);
    expectHealthyOthers(html, 1);
    // One job per read: data as of, health (shared by two panels), readiness, trends, the
    // processors' 30-day trip rate, and the status ping.
    // (The session check reads the signed-out sessions at most every 30 s, not per page: left out.)
    const { revoked_session_ids: _signOuts, ...reads } = Object.fromEntries(state.calls);
    expect(reads).toEqual({ data_as_of: 1, health: 1, readiness: 1, trends: 1, trip_rate: 1, ping: 1 });
  });

  it("invalidQuery: the processors panel shows the error and its last good rows, marked stale; tried once", async () => {
    state.generation = 2;
    setFault(state, "readiness", () => errorResponse(400, "invalidQuery", "Unrecognized name: ready_pct at [40:3]"));
    const html = await overview();
    const processors = part(html, "processors-panel");
    expect(processors).toContain(STALE);
    expect(processors).toContain("the warehouse is failing: The warehouse rejected the query as invalid");
    expect(processors).toContain(formatPct(readyPctAt(1))); // the last good readiness
    expect(processors).not.toContain(formatPct(readyPctAt(2)));
    expect(html).not.toMatch(/Unrecognized name|ready_pct at/); // BigQuery's own text stays in the log
    expectHealthyOthers(html, 2);
    expect(state.calls.get("readiness")).toBe(1);
  });

  it("an answer slower than BIGQUERY_JOB_TIMEOUT_MS: stale with the timeout, tried once", async () => {
    state.generation = 3;
    setFault(state, "readiness", () => ({ ...rowsResponse([], []), delayMs: 5 * TIMEOUT_MS }));
    const html = await overview();
    const processors = part(html, "processors-panel");
    expect(processors).toContain(STALE);
    expect(processors).toContain(`The query did not finish within ${TIMEOUT_MS} ms`);
    expect(processors).toContain(formatPct(readyPctAt(1)));
    expectHealthyOthers(html, 3);
    expect(state.calls.get("readiness")).toBe(1);
  });

  it("a 503 that clears on retry: retried, and the panel is fresh again", async () => {
    state.generation = 4;
    setFault(state, "readiness", (call) => (call === 1 ? errorResponse(503, "backendError") : undefined));
    const html = await overview();
    const processors = part(html, "processors-panel");
    expect(processors).not.toContain(STALE);
    expect(processors).toContain(formatPct(readyPctAt(4)));
    expectHealthyOthers(html, 4);
    expect(state.calls.get("readiness")).toBe(2);
  });

  it("with no earlier result to show, the processors panel fails alone and the other panels render", async () => {
    state.generation = 5;
    setFault(state, "trends", () => errorResponse(400, "invalidQuery"));
    // A pinned date nobody has loaded yet: nothing good to fall back on.
    const html = await overview("?as_of=2025-01-10");
    // The panel's server render failed: no processors table; its error boundary renders it in the browser.
    expect(html).not.toContain('data-testid="processors-panel"');
    expect(html).not.toContain(formatPct(readyPctAt(5)));
    const alerts = part(html, "alert-banner");
    expect(alerts).toContain("alert-warning");
    expect(alerts).not.toContain(STALE);
    expect(part(html, "warehouse-status")).toContain("Reachable");
    expect(state.calls.get("trends")).toBe(1);
  });
});
