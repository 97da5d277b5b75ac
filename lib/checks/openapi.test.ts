import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";

import { ACTIVE_SORTS, HISTORY_SORTS } from "@/lib/monitoring/lists";
import { MAX_PAGE_SIZE } from "@/lib/paging";
import { describe, expect, it } from "vitest";
import type { z } from "zod";

import { HTTP_STATUS } from "@/lib/errors";
import { tokenCreateInput, tokenRevokeInput } from "@/lib/auth/token-format";
import { bulkApplyInput, bulkFilter, overrideInput, resetInput } from "@/lib/breakers/schemas";
import { PROCESSORS } from "@/lib/completeness/processors";
import { PROCESSING_DECISION_REASONS } from "@/lib/completeness/readiness";

import { GET } from "@/app/api/v1/openapi.json/route";

import { buildOpenApiDocument } from "./openapi";
import { MAX_CHECK_ENTITIES, OUTCOMES, checkInput, checkResult, outcomesBody } from "./schemas";

type Json = Record<string, unknown>;
const doc = buildOpenApiDocument() as Json & { paths: Record<string, Record<string, Json>>; components: { schemas: Record<string, Json>; securitySchemes: Json } };
const schemas = doc.components.schemas;
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** A JSON pointer (`#/components/schemas/X`) resolved from the document's root; undefined when it leads nowhere. */
function resolve(ref: string): unknown {
  expect(ref.startsWith("#/"), ref).toBe(true);
  let node: unknown = doc;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object" || !(key in node)) return undefined;
    node = (node as Json)[key];
  }
  return node;
}

function walk(node: unknown, visit: (obj: Json, at: string) => void, at = "#"): void {
  if (Array.isArray(node)) node.forEach((v, i) => walk(v, visit, `${at}/${i}`));
  else if (node && typeof node === "object") {
    visit(node as Json, at);
    for (const [k, v] of Object.entries(node)) walk(v, visit, `${at}/${k}`);
  }
}

const operations = Object.entries(doc.paths).flatMap(([p, item]) =>
  Object.entries(item).map(([method, op]) => ({ path: p, method, op: op as Json & { responses: Record<string, Json>; parameters?: Json[] } })),
);
const statusesOf = (p: string) => Object.keys(doc.paths[p]!.post!.responses as Json).map(Number).sort((a, b) => a - b);

describe("the OpenAPI document", () => {
  it("is an OpenAPI 3.1 document in structure", () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
    for (const name of Object.keys(schemas)) expect(name).toMatch(/^[a-zA-Z0-9._-]+$/);
    const ids = operations.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path: p, method, op } of operations) {
      expect(p.startsWith("/")).toBe(true);
      expect(METHODS).toContain(method);
      expect(Object.keys(op.responses).length).toBeGreaterThan(0);
      for (const [status, response] of Object.entries(op.responses)) {
        expect(status).toMatch(/^[1-5]\d\d$/);
        expect(typeof response.description, `${p} ${status}`).toBe("string");
      }
      // Path templates and path parameters name each other exactly, and path parameters are required.
      const templated = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const declared = (op.parameters ?? []).filter((q) => q.in === "path");
      expect(declared.map((q) => q.name).sort()).toEqual(templated);
      for (const q of declared) expect(q.required).toBe(true);
      for (const requirement of (op.security ?? doc.security) as Json[]) {
        for (const scheme of Object.keys(requirement)) expect(doc.components.securitySchemes).toHaveProperty(scheme);
      }
    }
  });

  it("resolves every $ref inside itself, and keeps no schema-local definitions", () => {
    let refs = 0;
    walk(doc, (obj, at) => {
      expect(obj, at).not.toHaveProperty("$defs");
      expect(obj, at).not.toHaveProperty("$id");
      if (typeof obj.$ref === "string") {
        refs++;
        expect(resolve(obj.$ref), `${at}: ${obj.$ref}`).toBeDefined();
      }
    });
    expect(refs).toBeGreaterThan(20);
    // A schema reused by name is referenced, not copied: the bulk apply's selection is the
    // preview's body, a filter or an incident.
    expect((schemas.BulkOverrideRequest!.properties as Json).filter).toEqual({ $ref: "#/components/schemas/BulkOverrideSelection" });
    const [byFilter, byIncident] = schemas.BulkOverrideSelection!.anyOf as Json[];
    expect(byFilter).toEqual({ $ref: "#/components/schemas/BulkOverrideFilter" });
    expect(byIncident).toMatchObject({ type: "object", required: ["incident"], additionalProperties: false });
    expect(Object.keys(byIncident!.properties as Json)).toEqual(["incident"]);
  });

  it("documents every POST route under /api/v1, at the route file's path", () => {
    const routes: string[] = [];
    const visit = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) visit(file);
        else if (entry.name === "route.ts" && /export (const|async function|function) POST\b/.test(readFileSync(file, "utf8"))) routes.push(dir);
      }
    };
    visit("app/api/v1");
    const asPath = (dir: string) => `/${dir.replace(/^app\//, "").replace(/\[runId\]/g, "{run_id}")}`;
    const documented = operations.filter((o) => o.method === "post").map((o) => o.path);
    expect(routes.map(asPath).sort()).toEqual(documented.sort());
    for (const p of documented) expect(existsSync(`app${p.replace("{run_id}", "[runId]")}/route.ts`)).toBe(true);
  });

  it("answers each route's statuses as the routes do", () => {
    expect(statusesOf("/api/v1/checks")).toEqual([200, 400, 401, 403, 409, 411, 413, 422, 500, 503]);
    expect(statusesOf("/api/v1/checks/{run_id}/outcomes")).toEqual([200, 201, 400, 401, 403, 404, 409, 411, 413, 500, 503]);
    expect(statusesOf("/api/v1/breakers/override")).toEqual([200, 201, 400, 401, 403, 409, 411, 413, 422, 500, 503]);
    expect(statusesOf("/api/v1/breakers/bulk-override/preview")).toEqual([200, 400, 401, 403, 404, 411, 413, 500, 503]);
    expect(statusesOf("/api/v1/tokens/revoke")).toEqual([200, 400, 401, 403, 404, 409, 411, 413, 500, 503]);
    // Every refusal is the one error shape, whose codes are the routes' own.
    for (const { op } of operations.filter((o) => o.method === "post")) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) >= 400) expect((response.content as Json)["application/json"]).toEqual({ schema: { $ref: "#/components/schemas/Error" } });
      }
    }
    expect((schemas.Error!.properties as Record<string, Json>).code!.enum).toEqual(Object.keys(HTTP_STATUS));
    // The check service is for pipeline tokens alone; the path parameter is the run id's schema.
    const check = doc.paths["/api/v1/checks"]!.post!;
    expect(check.security).toEqual([{ bearerToken: [] }]);
    expect(check["x-role"]).toBe("pipeline");
    const param = (doc.paths["/api/v1/checks/{run_id}/outcomes"]!.post!.parameters as Json[])[0]!;
    expect(param).toMatchObject({ name: "run_id", in: "path", required: true, schema: { $ref: "#/components/schemas/RunId" } });
    expect((resolve("#/components/schemas/RunId") as Json).pattern).toBe("^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$");
    expect(doc.paths["/api/v1/openapi.json"]!.get!.security).toEqual([]);
  });

  it("is the routes' zod schemas: descriptions, enums, required and unknown fields follow them", () => {
    const req = (name: string) => schemas[name]!.properties as Record<string, Json>;
    expect(req("CheckRequest").entities!.description).toBe(checkInput.shape.entities.description);
    expect(req("CheckRequest").entities!.maxItems).toBe(MAX_CHECK_ENTITIES);
    expect(req("CheckRequest").processor!.enum).toEqual(PROCESSORS.flatMap((p) => [p.name, ...p.aliases]));
    const outcome = ((req("OutcomesRequest").outcomes!.items as Json).properties as Record<string, Json>).outcome!;
    expect(outcome.enum).toEqual([...OUTCOMES]);
    const result = (((schemas.OutcomesResult!.properties as Record<string, Json>).results!.items as Json).properties as Record<string, Json>).outcome!;
    expect(result.enum).toEqual([...OUTCOMES]);
    const entity = ((schemas.CheckResult!.properties as Record<string, Json>).entities!.items as Json).properties as Record<string, Json>;
    expect(entity.reason!.enum).toEqual([...PROCESSING_DECISION_REASONS]);
    expect(Object.keys(entity)).toEqual(Object.keys(checkResult.shape.entities.element.shape));

    // Request bodies as zod reads them: a field is required exactly when zod refuses its absence,
    // and (strict schemas) an unknown field is refused.
    const bodies: Record<string, z.ZodObject> = {
      CheckRequest: checkInput,
      OutcomesRequest: outcomesBody,
      OverrideRequest: overrideInput,
      BulkOverrideFilter: bulkFilter,
      BulkOverrideRequest: bulkApplyInput,
      ResetRequest: resetInput,
      TokenCreateRequest: tokenCreateInput,
      TokenRevokeRequest: tokenRevokeInput,
    };
    for (const [name, schema] of Object.entries(bodies)) {
      const json = schemas[name]!;
      const shape = schema.shape as Record<string, z.ZodType>;
      expect(Object.keys(json.properties as Json), name).toEqual(Object.keys(shape));
      const required = Object.entries(shape).filter(([, s]) => !s.safeParse(undefined).success).map(([k]) => k);
      expect(json.required ?? [], name).toEqual(required);
      expect(json.additionalProperties, name).toBe(false);
    }
    expect(req("CheckRequest").backfill).toMatchObject({ type: "boolean", default: false });
  });

  it("documents the paged breaker lists: page, page_size ≤ 500, sort and dir from the lists' sorts, the filters, and total", () => {
    for (const [p, sorts, page] of [
      ["/api/v1/monitoring/active-breakers", ACTIVE_SORTS, "ActiveBreakersPage"],
      ["/api/v1/monitoring/breaker-history", HISTORY_SORTS, "BreakerHistoryPage"],
    ] as const) {
      const get = doc.paths[p]!.get!;
      const params = Object.fromEntries((get.parameters as Json[]).map((q) => [q.name, q]));
      expect(params.page_size!.schema).toMatchObject({ maximum: MAX_PAGE_SIZE, default: 100 });
      expect((params.sort!.schema as Json).enum).toEqual([...sorts]);
      expect(params.processor!.schema).toMatchObject({ type: "array" });
      const body = resolve((((get.responses as Record<string, Json>)[200]!.content as Record<string, Json>)["application/json"]!.schema as Json).$ref as string) as Json;
      expect(body.required).toEqual(expect.arrayContaining(["rows", "page", "page_size", "total"]));
      expect(schemas[page]).toBeDefined();
    }
    const history = Object.fromEntries((doc.paths["/api/v1/monitoring/breaker-history"]!.get!.parameters as Json[]).map((q) => [q.name, q]));
    expect(Object.keys(history)).toEqual(expect.arrayContaining(["entity", "event", "q", "date", "format"]));
  });

  it("is served as JSON without credentials", async () => {
    const res = GET();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await res.json()).toEqual(doc);
  });
});
