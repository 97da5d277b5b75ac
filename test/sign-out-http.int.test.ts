/**
 * Sign-out over HTTP on the built console: next-auth's sign-out ends the session on the server,
 * so a copy of its cookie taken before is refused — by the process that handled it at once, and
 * after a restart of the server (the revocation is in the database, not in the process's memory).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type RunningConsole, TEST_AUTH_SECRET, type TempDatabase, prepareDatabase, startConsole } from "@/test/support/console-server";
import { sessionCookie } from "@/test/support/session";

let db: TempDatabase;
let server: RunningConsole;

beforeAll(async () => {
  db = await prepareDatabase();
  server = await startConsole({ dbPath: db.path });
});

afterAll(async () => {
  await server?.stop();
  db?.remove();
});

const audit = (cookie: string) => fetch(`${server.url}/api/v1/audit`, { headers: { cookie } }).then((r) => r.status);

/** Signs out the way the browser does: a CSRF token, then POST /api/auth/signout with the session cookie. */
async function signOut(session: string): Promise<void> {
  const csrf = await fetch(`${server.url}/api/auth/csrf`, { headers: { cookie: session } });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const res = await fetch(`${server.url}/api/auth/signout`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: `${session}; ${csrfCookie}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken, callbackUrl: "/login", json: "true" }).toString(),
  });
  expect(res.status, await res.text()).toBeLessThan(400);
  // The browser's copy is cleared…
  expect(res.headers.getSetCookie().some((c) => /^next-auth\.session-token=;/.test(c))).toBe(true);
}

describe("sign-out over HTTP", () => {
  it("refuses a copied cookie at once, and still after the server restarts", async () => {
    const ended = await sessionCookie("operator", "operator", Date.now(), TEST_AUTH_SECRET);
    const kept = await sessionCookie("operator", "operator", Date.now(), TEST_AUTH_SECRET);
    expect(await audit(ended)).toBe(200);
    await signOut(ended);
    // …and a copy taken before is refused by the process that handled the sign-out…
    expect(await audit(ended)).toBe(401);
    expect(await audit(kept)).toBe(200);

    await server.stop();
    server = await startConsole({ dbPath: db.path });
    // …and by a new process on the same database.
    expect(await audit(ended)).toBe(401);
    expect(await audit(kept)).toBe(200);
    // A write with a body from the signed-out cookie is refused by the gate too.
    const write = await fetch(`${server.url}/api/v1/breakers/override`, {
      method: "POST",
      headers: { cookie: ended, "content-type": "application/json", origin: server.url },
      body: "{}",
    });
    expect(write.status).toBe(401);
  });
});
