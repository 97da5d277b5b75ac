/**
 * The demo sign-in as next-auth calls it (the Credentials provider's authorize, with the request
 * headers as the server sees them: the socket's address appended to X-Forwarded-For).
 */
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { renderCountersAndHistograms, resetMetrics } from "@/lib/metrics/registry";

type Authorize = (credentials: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown>;
let authorize: Authorize;

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = "test-secret-test-secret-test-secret-0123456789";
  (globalThis as { __completenessRequestGate?: string }).__completenessRequestGate = "gate-stamp";
  const { buildAuthOptions } = await import("./options");
  const provider = buildAuthOptions().providers.find((p) => p.type === "credentials") as unknown as { options: { authorize: Authorize } };
  authorize = provider.options.authorize;
});

afterEach(() => vi.restoreAllMocks());

/** What the server sees from a client at `socket` that wrote `sent` itself (or nothing). */
const from = (socket: string, sent?: string) => ({ headers: { "x-forwarded-for": sent ? `${sent}, ${socket}` : socket, "x-completeness-gate": "gate-stamp" } });
const attempt = (username: string, password: string, req: { headers: Record<string, string> }) =>
  authorize({ username, password }, req).then(
    (user) => (user ? "ok" : "wrong"),
    (error: Error) => error.message,
  );

describe("sign-in lockout", () => {
  it("locks after five wrong guesses from one client however it rotates X-Forwarded-For", async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < 40; i++) outcomes.push(await attempt("operator", `guess-${i}`, from("203.0.113.9", `10.9.${i}.1`)));
    expect(outcomes.slice(0, 5)).toEqual(Array(5).fill("wrong"));
    expect(new Set(outcomes.slice(5))).toEqual(new Set(["TooManyAttempts"]));
  });

  it("cannot lock another client out by writing its address into X-Forwarded-For", async () => {
    for (let i = 0; i < 10; i++) await attempt("admin", "wrong-password", from("198.51.100.7", "192.0.2.55"));
    expect(await attempt("admin", "admin-demo", from("192.0.2.55"))).toBe("ok");
  });
});

describe("failed sign-ins are seen", () => {
  it("logs one structured line per failure and per lockout, the username hashed and no password", async () => {
    resetMetrics();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    for (let i = 0; i < 6; i++) await attempt("viewer", "hunter2-secret", from("198.51.100.20"));
    const lines = warn.mock.calls.map((call) => call.map(String).join(" "));
    const events = lines.map((line) => JSON.parse(line.slice(line.indexOf("{"))) as Record<string, unknown>);
    expect(events.map((e) => e.event)).toEqual([...Array(5).fill("sign_in_failed"), "sign_in_locked"]);
    for (const line of lines) {
      expect(line).not.toContain("hunter2");
      expect(line).not.toMatch(/"viewer"/);
    }
    expect(events[0]).toMatchObject({ username_sha256: expect.stringMatching(/^[0-9a-f]{16}$/), client: "198.51.100.20" });
    const text = renderCountersAndHistograms();
    expect(text).toMatch(/^completeness_console_sign_in_failures_total 5$/m);
    expect(text).toMatch(/^completeness_console_sign_in_lockouts_total 1$/m);
  });
});
