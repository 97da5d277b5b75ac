import { describe, expect, it } from "vitest";

import { ENTITY_LIST_FIELDS } from "@/lib/monitoring/entity-list-params";
import { ENTITY_LIST_NAMES, ENTITY_LIST_SORTS } from "@/lib/monitoring/entity-lists";
import { MAX_PAGE_SIZE } from "@/lib/paging";

import { buildOpenApiDocument } from "./openapi";

type Param = { name: string; in: string; schema: { enum?: string[]; maximum?: number; default?: unknown } };
const doc = buildOpenApiDocument() as { paths: Record<string, { get?: { parameters: Param[]; responses: Record<string, unknown> } }> };

describe.each(ENTITY_LIST_NAMES)("GET /api/v1/monitoring/%s in the OpenAPI document", (name) => {
  const op = doc.paths[`/api/v1/monitoring/${name}`]!.get!;

  it("documents exactly the query parameters the route reads, with its sorts, default and page bound", () => {
    expect(op.parameters.map((p) => p.name).sort()).toEqual([...ENTITY_LIST_FIELDS[name], "as_of", "now", "format"].sort());
    const param = (n: string) => op.parameters.find((p) => p.name === n)!.schema;
    expect(param("sort").enum).toEqual([...ENTITY_LIST_SORTS[name].sorts]);
    expect(param("sort").default).toBe(ENTITY_LIST_SORTS[name].default.sort);
    expect(param("dir").default).toBe(ENTITY_LIST_SORTS[name].default.dir);
    expect(param("page_size").maximum).toBe(MAX_PAGE_SIZE);
  });

  it("answers a page, or a refusal in the error shape", () => {
    expect(Object.keys(op.responses).sort()).toEqual(["200", "400", "401", "403", "503"]);
    const page = (op.responses["200"] as { content: Record<string, { schema: { required: string[] } }> }).content["application/json"]!.schema;
    expect(page.required).toEqual(expect.arrayContaining(["as_of", "now", "rows", "page", "page_size", "total"]));
  });
});
