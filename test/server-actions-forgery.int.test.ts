/**
 * A browser cannot act as another user through any server action, whatever it sends. Every
 * export of a "use server" module is an endpoint a browser can POST to with arguments of its
 * choosing; so this finds every such module in app/, lib/ and components/, imports it, and calls
 * every exported function with forged arguments — actor-shaped objects claiming admin as the
 * 1st, 2nd and 3rd argument, inputs carrying role and actor fields, FormData with role fields,
 * extra arguments — with no session and with a viewer's session. Each call must be refused
 * (unauthorized without a session, forbidden for the viewer) and no row may be written to the
 * embedded warehouse. A control proves the same calls write when the session may.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { beforeEach, describe, expect, it, vi } from "vitest";

const session = vi.hoisted(() => ({ role: null as "viewer" | "operator" | "admin" | null }));
vi.mock("next/headers", async () => {
  const { sessionCookie } = await import("@/test/support/session");
  return {
    cookies: async () => {
      const role = session.role;
      const value = role === null ? undefined : (await sessionCookie(role, `${role}.demo`)).split("=").slice(1).join("=");
      return { get: (name: string) => (value !== undefined && name === "next-auth.session-token" ? { name, value } : undefined) };
    },
    headers: async () => new Headers(),
  };
});

import { consoleWarehouseForFile, tripKey, writtenRows } from "@/test/support/console-warehouse";
import { clearAll } from "@/test/support/fixtures";

const wh = consoleWarehouseForFile({ readers: "original" });

const ROOTS = ["app", "lib", "components"];

/** A module whose first statement is the "use server" directive (comments may precede it). */
function isServerActionModule(source: string): boolean {
  const code = source.replace(/^(\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*/, "");
  return /^["']use server["']/.test(code);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(file);
    return /\.(ts|tsx|mts)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [file] : [];
  });
}

const files = ROOTS.flatMap(sourceFiles);
const modules = files.filter((f) => isServerActionModule(readFileSync(f, "utf8")));

const KEY = { processor: "player_daily_cache", entity_id: "lebronjames", analysis_date: "2026-11-20" };
const REQUEST = (n: number) => `req-forged-${n}`;

/** Inputs each of the console's writes would accept from an allowed caller. */
const INPUTS: Record<string, unknown>[] = [
  { ...KEY, reason_code: "data_now_available", reason: "Forged: the box score landed", request_id: REQUEST(1) },
  { ...KEY, reason: "Forged: clearing the history", request_id: REQUEST(2), confirm: KEY.entity_id },
  { date_from: "2026-11-01", date_to: "2026-11-25" },
  { processor: KEY.processor },
];

const ADMIN = { name: "admin.demo", role: "admin", via: "session" } as const;
const FORGED_ACTORS: unknown[] = [ADMIN, { ...ADMIN, via: "token" }, { name: "pipeline", role: "pipeline", via: "token", processor: KEY.processor }];

function formData(input: Record<string, unknown>): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries({ ...input, role: "admin", actor: "admin.demo", via: "session", name: "admin.demo" })) form.append(k, String(v));
  return form;
}

/** Every forged argument list: an actor in each position, actor fields in the input, FormData, extra arguments. */
function forgeries(input: Record<string, unknown>): unknown[][] {
  return FORGED_ACTORS.flatMap((actor) => [
    [actor],
    [input, actor],
    [input, undefined, actor],
    [{ ...input, actor, role: "admin", via: "session", name: "admin.demo" }, actor, actor],
    [formData(input), actor],
    [input, actor, { role: "admin" }, "admin", ADMIN],
  ]);
}

type Exported = [string, (...args: unknown[]) => Promise<unknown>];
async function exportsOf(file: string): Promise<Exported[]> {
  const mod = (await import(/* @vite-ignore */ path.resolve(file))) as Record<string, unknown>;
  return Object.entries(mod).filter((e): e is Exported => typeof e[1] === "function");
}

beforeEach(async () => {
  await clearAll(wh);
  await tripKey(wh, KEY);
  session.role = null;
});

describe("server actions", () => {
  it("are found: lib/actions/forms.ts at least, and no inline \"use server\" function escapes this test", () => {
    expect(modules).toContain(path.join("lib", "actions", "forms.ts"));
    // The directive as a function body's first statement.
    const inline = files.filter((f) => /[{]\s*["']use server["']/.test(readFileSync(f, "utf8")));
    expect(inline, "inline server actions: move them to a \"use server\" module so this test covers them").toEqual([]);
  });

  it.each([
    ["no session", null, "unauthorized"],
    ["a viewer's session", "viewer", "forbidden"],
  ] as const)("refuse every forged call with %s, and write nothing", async (_name, role, code) => {
    session.role = role;
    const before = await writtenRows(wh);
    let calls = 0;
    for (const file of modules) {
      for (const [name, fn] of await exportsOf(file)) {
        for (const input of INPUTS) {
          for (const args of forgeries(input)) {
            const result = await fn(...args);
            calls += 1;
            expect(result, `${file} ${name}(${JSON.stringify(args)})`).toMatchObject({ ok: false, code });
          }
        }
      }
    }
    expect(calls).toBeGreaterThan(0);
    expect(await writtenRows(wh)).toEqual(before);
  });

  it("act as the session, never as an actor sent with the call (the control: these calls do write)", async () => {
    const { overrideBreakerForm } = await import("@/lib/actions/forms");
    session.role = "operator";
    const before = await writtenRows(wh);
    const submit = overrideBreakerForm as (...args: unknown[]) => Promise<unknown>;
    const result = await submit({ ...INPUTS[0]!, request_id: "req-control-1" }, ADMIN);
    expect(result).toMatchObject({ ok: true, replay: false });
    const after = await writtenRows(wh);
    expect(after["nba_orchestration.reprocess_attempts"]).toBe(before["nba_orchestration.reprocess_attempts"]! + 1);
    const [row] = await wh.query<{ actor: string; actor_role: string }>("SELECT actor, actor_role FROM nba_orchestration.breaker_audit_log");
    expect(row).toEqual({ actor: "operator.demo", actor_role: "operator" });
  });
});
