/**
 * The page cache keeps no overview that shows a failing warehouse: the built console on its real
 * BigQuery adapter pointed at the REST fake (as overview-faults.int.test.ts), with the monitoring
 * reads kept 10 minutes so that a kept page would be answered again. A page whose panel shows a
 * stale or failed read is answered to the request that rendered it, and the next request renders
 * again; once the warehouse answers, the page is kept. Needs `npm run build` first.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { BigQueryFake, errorResponse } from "@/test/support/bigquery-fake";
import { type RunningConsole, type TempDatabase, TEST_AUTH_SECRET, prepareDatabase, startConsole } from "@/test/support/console-server";
import { answerState, monitoringResponder, setFault } from "@/test/support/monitoring-answers";
import { sessionCookie } from "@/test/support/session";

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
      BIGQUERY_JOB_TIMEOUT_MS: "1000",
      AUTH_DEMO_ACCOUNTS: "true",
      // The built-in demo passwords are public: BigQuery with demo accounts needs its own.
      DEMO_PASSWORD_VIEWER: "viewer-page-cache-test",
      DEMO_PASSWORD_OPERATOR: "operator-page-cache-test",
      DEMO_PASSWORD_ADMIN: "admin-page-cache-test",
      CACHE_TTL_SECONDS: "600",
    },
  });
  cookie = await sessionCookie("viewer", "vera.viewer", Date.now(), TEST_AUTH_SECRET);
});

afterAll(async () => {
  await server?.stop();
  await fake.stop();
  db?.remove();
});

async function overview(query: string) {
  const res = await fetch(`${server.url}/${query}`, { headers: { cookie, accept: "text/html" } });
  const html = await res.text();
  expect(res.status, server.output()).toBe(200);
  return { cache: res.headers.get("x-render-cache"), html };
}

describe("the page cache and a failing warehouse", () => {
  it("keeps a page only once its reads are fresh", async () => {
    // A pinned date of its own: reads no other test made, so the fault is what the page shows.
    const pinned = "?as_of=2025-01-10";
    setFault(state, "readiness", () => errorResponse(400, "invalidQuery", "Unrecognized name: ready_pct"));
    const failing = await overview(pinned);
    expect(failing.cache).toBe("miss");
    expect(failing.html).toMatch(/data-render-cache="no"|<!--\$!-->|\$RX\("/);
    // Not kept: the next viewer's request renders (and reads) again.
    const calls = state.calls.get("readiness") ?? 0;
    const again = await overview(pinned);
    expect(again.cache).toBe("miss");
    expect(state.calls.get("readiness")).toBeGreaterThan(calls);

    setFault(state, "readiness");
    const mended = await overview(pinned);
    expect(mended.cache).toBe("miss");
    expect(mended.html).not.toContain('data-render-cache="no"');
    expect(mended.html).not.toContain('data-testid="stale-notice"');
    expect((await overview(pinned)).cache).toBe("hit");
  });

  it("keeps no page that says the warehouse is unreachable", async () => {
    const pinned = "?as_of=2025-01-11";
    setFault(state, "ping", () => errorResponse(403, "accessDenied", "Access Denied: the console lost its grant"));
    const down = await overview(pinned);
    expect(down.html).toContain("Unavailable");
    expect(down.html).toContain('data-render-cache="no"');
    expect((await overview(pinned)).cache).toBe("miss");
    setFault(state, "ping");
  });
});
