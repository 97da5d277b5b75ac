import { describe, expect, it } from "vitest";

import { AUDIT_ACTIONS, AUDIT_SORTS, auditKeysParams, auditListParams } from "@/lib/breakers/schemas";
import { MAX_PAGE_SIZE } from "@/lib/paging";

import { buildOpenApiDocument } from "./openapi";

type Json = Record<string, unknown>;
const paths = (buildOpenApiDocument() as { paths: Record<string, Record<string, Json>> }).paths;
const parameters = (path: string) => paths[path]!.get!.parameters as { name: string; in: string; schema: Json }[];

describe("the audit's reads in the OpenAPI document", () => {
  it("document exactly the query parameters the routes' schemas take, with their limits", () => {
    const list = parameters("/api/v1/audit");
    expect(list.map((p) => p.name).sort()).toEqual([...Object.keys(auditListParams.shape), "format"].sort());
    const byName = new Map(list.map((p) => [p.name, p.schema]));
    expect(byName.get("sort")!.enum).toEqual([...AUDIT_SORTS]);
    expect(byName.get("action")!.enum).toEqual([...AUDIT_ACTIONS]);
    expect(byName.get("page_size")!.maximum).toBe(MAX_PAGE_SIZE);
    // The schema refuses what the document says is out of range.
    expect(auditListParams.safeParse({ page_size: String(MAX_PAGE_SIZE + 1) }).success).toBe(false);
    expect(auditListParams.safeParse({ sort: "reason" }).success).toBe(false);

    const keys = parameters("/api/v1/audit/{audit_id}/keys");
    expect(keys.filter((p) => p.in === "query").map((p) => p.name).sort()).toEqual(Object.keys(auditKeysParams.shape).sort());
    expect(keys.filter((p) => p.in === "path").map((p) => p.name)).toEqual(["audit_id"]);
  });

  it("answers the statuses the routes answer", () => {
    expect(Object.keys(paths["/api/v1/audit"]!.get!.responses as Json).map(Number)).toEqual([200, 400, 401, 403, 500, 503]);
    expect(Object.keys(paths["/api/v1/audit/{audit_id}/keys"]!.get!.responses as Json).map(Number)).toEqual([200, 400, 401, 403, 404, 500, 503]);
  });
});
