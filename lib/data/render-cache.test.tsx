import { renderToStaticMarkup } from "react-dom/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { Role } from "@/lib/auth/roles";
import { noteWrite } from "@/lib/engine/data-version";

const settings = vi.hoisted(() => ({ RENDER_CACHE: "on" as "on" | "off", CACHE_TTL_SECONDS: 60 }));
vi.mock("@/lib/env", () => ({ getEnv: () => settings }));

import { MAX_RENDERINGS, type RenderKey, clearRenderCache, renderCacheSize, renderKeyOf, renderOnce } from "./render-cache";

const READ = { read_at: "2026-12-07T10:00:00.000Z", as_of: "2026-12-06", now: "2026-12-07T10:00:00.000Z" };

function key(over: Partial<RenderKey> = {}): RenderKey {
  return { panel: "overview.processors", role: "viewer", params: {}, reads: [READ], ...over };
}

/** A render that counts its calls and returns a new object each time. */
function counter() {
  let calls = 0;
  const render = () => ({ rendering: ++calls });
  return { render, calls: () => calls };
}

beforeEach(() => {
  settings.RENDER_CACHE = "on";
  settings.CACHE_TTL_SECONDS = 60;
  clearRenderCache();
});
afterEach(() => vi.useRealTimers());

describe("renderOnce", () => {
  it("renders once for the same panel, role, parameters and reads, and hands every caller that rendering", async () => {
    const { render, calls } = counter();
    const first = await renderOnce(key(), render);
    const again = await renderOnce(key({ params: {} }), render);
    expect(calls()).toBe(1);
    expect(again).toBe(first);
  });

  it("shares one rendering among identical requests in flight", async () => {
    let calls = 0;
    let finish!: (value: string) => void;
    const render = () => {
      calls++;
      return new Promise<string>((resolve) => (finish = resolve));
    };
    const hundred = Array.from({ length: 100 }, () => renderOnce(key(), render));
    finish("the panel");
    expect(await Promise.all(hundred)).toEqual(Array(100).fill("the panel"));
    expect(calls).toBe(1);
  });

  it("renders again for another role, and each role gets its own rendering back", async () => {
    const roles: Role[] = ["viewer", "operator", "admin"];
    const renders: Role[] = [];
    const panel = (role: Role) =>
      renderOnce(key({ role }), () => {
        renders.push(role);
        return <p data-testid="panel">rendered for the {role}</p>;
      });
    for (const role of roles) await panel(role);
    for (const role of [...roles].reverse()) {
      expect(renderToStaticMarkup(await panel(role))).toBe(`<p data-testid="panel">rendered for the ${role}</p>`);
    }
    expect(renders).toEqual(roles);
  });

  it("renders again for other parameters, but not for the same ones given in another order or with absent ones", async () => {
    const { render, calls } = counter();
    await renderOnce(key({ params: { as_of: "2026-12-01", now: "2026-12-02T00:00:00.000Z" } }), render);
    await renderOnce(key({ params: { now: "2026-12-02T00:00:00.000Z", as_of: "2026-12-01", page: undefined } }), render);
    expect(calls()).toBe(1);
    await renderOnce(key({ params: { as_of: "2026-12-02" } }), render);
    await renderOnce(key({ params: {} }), render);
    await renderOnce(key({ panel: "overview.alerts" }), render);
    expect(calls()).toBe(4);
  });

  it("renders again when any read is newer, at another evaluation point, stale, or failed", async () => {
    const { render, calls } = counter();
    await renderOnce(key(), render);
    const variants: RenderKey["reads"][] = [
      [{ ...READ, read_at: "2026-12-07T10:01:00.000Z" }],
      [{ ...READ, now: "2026-12-07T10:01:00.000Z" }],
      [{ ...READ, as_of: "2026-12-05" }],
      [{ ...READ, stale: true, error: "The warehouse timed out" }],
      [{ ...READ, stale: true, error: "The warehouse refused the query" }],
      [READ, null],
      [READ, READ],
    ];
    for (const reads of variants) await renderOnce(key({ reads }), render);
    expect(calls()).toBe(1 + variants.length);
    expect(new Set(variants.map((reads) => renderKeyOf(key({ reads })))).size).toBe(variants.length);
  });

  it("forgets every rendering when this process applies a write", async () => {
    const { render, calls } = counter();
    await renderOnce(key(), render);
    await renderOnce(key({ role: "operator" }), render);
    expect(renderCacheSize()).toBe(2);
    noteWrite();
    expect(renderCacheSize()).toBe(0);
    await renderOnce(key(), render);
    expect(calls()).toBe(3);
  });

  it("keeps a rendering for CACHE_TTL_SECONDS after it was made, and none with 0", async () => {
    vi.useFakeTimers({ now: Date.parse("2026-12-07T10:00:00Z") });
    const { render, calls } = counter();
    await renderOnce(key(), render);
    vi.advanceTimersByTime(59_000);
    await renderOnce(key(), render);
    expect(calls()).toBe(1);
    vi.advanceTimersByTime(1_000);
    await renderOnce(key(), render);
    expect(calls()).toBe(2);

    settings.CACHE_TTL_SECONDS = 0;
    clearRenderCache();
    await renderOnce(key(), render);
    await renderOnce(key(), render);
    expect(calls()).toBe(4);
  });

  it("does not keep a failed rendering: the next request renders again and sees its own outcome", async () => {
    let calls = 0;
    const render = () => {
      calls++;
      if (calls === 1) throw new Error("the panel failed");
      return "the panel";
    };
    await expect(renderOnce(key(), render)).rejects.toThrow("the panel failed");
    expect(renderCacheSize()).toBe(0);
    await expect(renderOnce(key(), render)).resolves.toBe("the panel");
    await expect(renderOnce(key(), render)).resolves.toBe("the panel");
    expect(calls).toBe(2);
  });

  it("keeps at most MAX_RENDERINGS renderings, dropping the oldest first", async () => {
    const { render } = counter();
    const readAt = (i: number) => [{ ...READ, read_at: new Date(Date.parse(READ.read_at) + i).toISOString() }];
    for (let i = 0; i < MAX_RENDERINGS + 50; i++) await renderOnce(key({ reads: readAt(i) }), render);
    expect(renderCacheSize()).toBe(MAX_RENDERINGS);
    const newest = counter();
    await renderOnce(key({ reads: readAt(MAX_RENDERINGS + 49) }), newest.render);
    expect(newest.calls()).toBe(0);
    await renderOnce(key({ reads: readAt(0) }), newest.render);
    expect(newest.calls()).toBe(1);
  });

  it("renders for every request with RENDER_CACHE=off, and keeps nothing", async () => {
    settings.RENDER_CACHE = "off";
    const { render, calls } = counter();
    const first = await renderOnce(key(), render);
    const second = await renderOnce(key(), render);
    expect(calls()).toBe(2);
    expect(second).not.toBe(first);
    expect(renderCacheSize()).toBe(0);
  });
});
