/**
 * Where sign-in sends the browser, on the built console over HTTP. Without NEXTAUTH_URL it is the
 * origin the browser used (127.0.0.1, localhost, …), each one a host the console answers to; with
 * NEXTAUTH_URL (behind a proxy) it is always NEXTAUTH_URL. next-auth's own fallback would be
 * http://localhost:3000 whatever the port, signed out.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type RunningConsole, type TempDatabase, prepareDatabase, startConsole } from "@/test/support/console-server";

/** Signs in as the demo viewer through next-auth's credentials callback, as the sign-in form does. */
async function signIn(origin: string): Promise<{ url: string; sessionCookie: string | undefined }> {
  const csrf = await fetch(`${origin}/api/auth/csrf`);
  expect(csrf.status).toBe(200);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const res = await fetch(`${origin}/api/auth/callback/demo`, {
    method: "POST",
    headers: { cookie, origin, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken, username: "viewer", password: "viewer-demo", callbackUrl: "/breakers?tab=history", json: "true" }).toString(),
    redirect: "manual",
  });
  expect(res.status).toBe(200);
  const { url } = (await res.json()) as { url: string };
  return { url, sessionCookie: res.headers.getSetCookie().find((c) => c.startsWith("next-auth.session-token=")) };
}

let db: TempDatabase;
beforeAll(async () => {
  db = await prepareDatabase();
});
afterAll(() => db?.remove());

describe("without NEXTAUTH_URL (npm start, a laptop, a LAN address)", () => {
  let server: RunningConsole;
  beforeAll(async () => {
    server = await startConsole({ dbPath: db.path, env: { NEXTAUTH_URL: "" } });
  });
  afterAll(async () => server?.stop());

  it("returns to the origin the browser used, signed in, on each of the console's names", async () => {
    for (const origin of [`http://127.0.0.1:${server.port}`, `http://localhost:${server.port}`]) {
      const { url, sessionCookie } = await signIn(origin);
      expect(url).toBe(`${origin}/breakers?tab=history`);
      expect(sessionCookie, origin).toBeDefined();
      // The session works on that origin: the page it returns to opens without sign-in.
      const page = await fetch(url, { headers: { cookie: sessionCookie!.split(";")[0]! }, redirect: "manual" });
      expect(page.status, origin).toBe(200);
    }
  });

  // An empty NEXTAUTH_URL (as .env.example leaves it) is unset: next-auth's client module would
  // parse "" as a URL while the sign-in form renders on the server, and fail.
  it("renders the sign-in form on the server with NEXTAUTH_URL empty, without an error", async () => {
    const login = await fetch(`${server.url}/login`);
    expect(login.status).toBe(200);
    expect(await login.text()).toContain('name="username"');
    expect(server.output()).not.toMatch(/Invalid URL|ERR_INVALID_URL/);
  });

  it("refuses a forged X-Forwarded-Host rather than building sign-in's redirect from it", async () => {
    const res = await fetch(`${server.url}/api/auth/csrf`, { headers: { "x-forwarded-host": "evil.example" } });
    expect(res.status).toBe(421);
  });
});

describe("with NEXTAUTH_URL (behind a proxy)", () => {
  let server: RunningConsole;
  beforeAll(async () => {
    server = await startConsole({ dbPath: db.path, env: { NEXTAUTH_URL: "http://console.example.test:8080" } });
  });
  afterAll(async () => server?.stop());

  it("always returns to NEXTAUTH_URL, whichever address the request came in on", async () => {
    for (const origin of [`http://127.0.0.1:${server.port}`, `http://localhost:${server.port}`]) {
      const { url } = await signIn(origin);
      expect(url).toBe("http://console.example.test:8080/breakers?tab=history");
    }
  });
});
