/**
 * Every API refusal has one JSON shape, `{ ok: false, code, error, fieldErrors? }` and nothing
 * else, with the status its code answers (lib/errors.ts). This finds every route under app/api,
 * and for each exported HTTP method sends an unauthenticated request, a request with bad input
 * (a body that is not JSON, query parameters that are not dates or not known) and a request
 * from a role that may not (a viewer for writes, a pipeline token for console reads, a viewer
 * for the pipeline's check), and holds every non-2xx JSON answer to that shape.
 *
 * Two routes answer for someone else and are held to less: `/api/health` is the load balancer's
 * report (its 503 body says which check failed), and `/api/auth/*` is next-auth's, whose own
 * refusal here — a callbackUrl off the console — is held to the shape.
 */
import { readdirSync } from "node:fs";
import path from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { createToken } from "@/lib/auth/api-tokens";
import { errorBody, HTTP_STATUS } from "@/lib/errors";
import { consoleWarehouseForFile, ORIGIN, tripKey } from "@/test/support/console-warehouse";
import { sessionCookie } from "@/test/support/session";

const wh = consoleWarehouseForFile();
let pipelineToken: string;
beforeAll(async () => {
  await tripKey(wh, { processor: "player_daily_cache", entity_id: "lebronjames", analysis_date: "2026-11-20" });
  const created = await createToken({ name: "shape-pipeline", role: "pipeline" }, "test", wh);
  if (!created.ok) throw new Error(created.message);
  pipelineToken = created.data.token;
});

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Handler = (request: Request, context: { params: Promise<Record<string, unknown>> }) => Promise<Response>;

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(file);
    return entry.name === "route.ts" ? [file] : [];
  });
}

const ROUTES = routeFiles(path.join("app", "api"));
const urlOf = (file: string) =>
  `/${path.dirname(file).split(path.sep).slice(1).join("/")}`.replace("[name]", "health").replace("[id]", "inc-nope").replace("[entityId]", "lebronjames").replace("[runId]", "run-1").replace("[...nextauth]", "session");
const CONTEXT = { params: Promise.resolve({ name: "health", id: "inc-nope", entityId: "lebronjames", runId: "run-1", nextauth: ["session"] }) };
const PUBLIC = new Set(["/api/health", "/api/v1/openapi.json", "/api/auth/session"]);
const BAD_QUERY = "?as_of=2025-13-45&now=yesterday&date=someday&date_from=x&format=xml&outcomes=all&safe=maybe&audit_id=&processor=nope&callbackUrl=https://evil.example/";

function request(url: string, method: string, options: { cookie?: string; token?: string; body?: string } = {}): Request {
  const headers: Record<string, string> = { host: "console.test", origin: ORIGIN };
  if (options.cookie) headers.cookie = options.cookie;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  return new Request(`${ORIGIN}${url}`, { method, headers, body: method === "GET" ? undefined : options.body });
}

/** The answer's status and, when it is a JSON refusal, its body held to the one shape. */
async function expectShape(where: string, response: Response): Promise<number> {
  if (response.status < 400) return response.status;
  const type = response.headers.get("content-type") ?? "";
  expect(type, `${where}: a refusal must be JSON`).toMatch(/^application\/json/);
  const body = (await response.json()) as unknown;
  const parsed = errorBody.safeParse(body);
  expect(parsed.success, `${where}: ${JSON.stringify(body)}`).toBe(true);
  expect(HTTP_STATUS[parsed.data!.code], `${where}: ${JSON.stringify(body)} answered ${response.status}`).toBe(response.status);
  return response.status;
}

describe.each(ROUTES.map((file) => [urlOf(file), file] as const))("%s", (url, file) => {
  it("answers every refusal in the one shape, with the status of its code", async () => {
    const mod = (await import(/* @vite-ignore */ path.resolve(file))) as Partial<Record<(typeof METHODS)[number], Handler>>;
    const methods = METHODS.filter((m) => typeof mod[m] === "function");
    expect(methods.length).toBeGreaterThan(0);
    if (url === "/api/health") return; // the load balancer's report, not a refusal
    const viewer = await sessionCookie("viewer");
    const admin = await sessionCookie("admin");
    for (const method of methods) {
      const call = (options: Parameters<typeof request>[2], query = "") => mod[method]!(request(`${url}${query}`, method, options), CONTEXT);
      const where = (what: string) => `${method} ${url} ${what}`;
      if (url.startsWith("/api/auth/")) {
        expect(await expectShape(where("callbackUrl off the console"), await call({}, "?callbackUrl=https://evil.example/"))).toBe(400);
        continue;
      }
      const anonymous = await expectShape(where("anonymous"), await call({ body: "{}" }));
      if (!PUBLIC.has(url)) expect(anonymous, where("anonymous")).toBe(401);
      await expectShape(where("bad input"), await call({ cookie: admin, body: "{not json" }, BAD_QUERY));
      await expectShape(where("bad input, pipeline"), await call({ token: pipelineToken, body: "{not json" }, BAD_QUERY));
      const asViewer = await expectShape(where("viewer"), await call({ cookie: viewer, body: "{}" }));
      const asPipeline = await expectShape(where("pipeline token"), await call({ token: pipelineToken, body: "{}" }));
      if (PUBLIC.has(url)) continue;
      // Every write needs more than a viewer; every console read refuses the pipeline's token.
      if (method === "POST") expect(asViewer, where("viewer")).toBe(403);
      if (method === "GET") expect(asPipeline, where("pipeline token")).toBe(403);
    }
  });
});

it("covers the API: every read and write route was found", () => {
  expect(ROUTES.length).toBeGreaterThanOrEqual(18);
});
