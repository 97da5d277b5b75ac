import { expect, test } from "@playwright/test";

import { authFile } from "./auth";

/**
 * The write journeys on the demo season, each signed in as the role that does it.
 * The demo season ends yesterday with an outage not yet backfilled, so breakers are active.
 */

test.describe("a viewer", () => {
  test.use({ storageState: authFile("viewer") });

  test("sees no override controls, and a forged POST is refused", async ({ page }) => {
    await page.goto("/breakers");
    await expect(page.getByRole("table").first()).toBeVisible();
    await expect(page.getByRole("button", { name: /^Override/ })).toHaveCount(0);
    await expect(page.getByRole("link", { name: /Bulk override/ })).toHaveCount(0);
    const forged = await page.request.post("/api/v1/breakers/override", {
      data: { processor: "player_daily_cache", entity_id: "lebronjames", analysis_date: "2026-01-01", reason_code: "other", reason: "forged by a viewer", request_id: "forged-request-1" },
      headers: { origin: new URL(page.url()).origin },
    });
    expect(forged.status()).toBe(403);
  });
});

test.describe("an operator", () => {
  test.use({ storageState: authFile("operator") });

  test("overrides one breaker: it leaves the active list and shows in history and audit with their name", async ({ page }) => {
    await page.goto("/breakers?tab=active&sort=hours_remaining");
    const row = page.getByRole("row").filter({ has: page.getByRole("button", { name: /^Override/ }) }).first();
    const entity = (await row.getByRole("rowheader").getByRole("link").first().textContent())!.trim();
    const reason = `Late box score landed for ${entity}; verified in the live recheck`;
    await row.getByRole("button", { name: /^Override/ }).click();
    const form = page.getByTestId("override-form");
    await form.getByLabel(/What you checked/).fill(reason);
    await form.getByRole("button", { name: "Override breaker" }).click();
    await expect(page.getByTestId("override-result")).toContainText("Overridden");

    const audit = await page.request.get("/api/v1/audit?action=override");
    type Key = { processor: string; entity_id: string; analysis_date: string };
    const rows = (await audit.json()).rows as { actor: string; reason: string; keys: Key[] }[];
    const mine = rows.find((r) => r.reason === reason);
    expect(mine).toMatchObject({ actor: "operator" });
    const key = mine!.keys[0]!;

    await page.goto(`/breakers?tab=active&q=${encodeURIComponent(key.entity_id)}`);
    const active = await (await page.request.get("/api/v1/monitoring/active-breakers")).json();
    expect(active.rows.some((r: Key) => r.entity_id === key.entity_id && r.processor === key.processor && r.analysis_date === key.analysis_date)).toBe(false);

    const history = await (await page.request.get("/api/v1/monitoring/breaker-history")).json();
    expect(history.rows.some((r: { event: string; actor: string | null; entity_id: string }) => r.event === "override" && r.actor === "operator" && r.entity_id === key.entity_id)).toBe(true);

    await page.goto("/audit?actor=operator");
    await expect(page.getByTestId("audit-table")).toContainText(reason);
  });

  test("bulk-overrides a previewed set after the outage: the applied count equals the preview", async ({ page }) => {
    await page.goto("/breakers/bulk");
    await page.getByLabel("Only keys whose upstream data is complete now").uncheck();
    await page.getByRole("button", { name: "Preview" }).click();
    const preview = page.getByTestId("bulk-preview");
    await expect(preview).toBeVisible({ timeout: 30_000 });
    const heading = await preview.getByRole("heading", { level: 2 }).textContent();
    const count = Number(/(\d+) breakers will be overridden/.exec(heading ?? "")?.[1]);
    expect(count).toBeGreaterThan(0);
    await preview.getByLabel(/What you checked/).fill("Recent box-score outage backfilled; spot-checked five entities");
    await preview.getByRole("button", { name: `Override ${count} breakers` }).click();
    await expect(page.getByTestId("bulk-result")).toContainText(`Applied: ${count} breakers overridden`, { timeout: 30_000 });
  });
});

test.describe("an admin", () => {
  test.use({ storageState: authFile("admin") });

  test("resets a key after typing its id: one RESET row remains; restoring it from the audit page gives every row back", async ({ page }) => {
    const history = await (await page.request.get("/api/v1/monitoring/breaker-history")).json();
    const row = history.rows.find((r: { event: string; processor: string }) => r.event === "trip" && r.processor === "player_shot_zone_analysis") ?? history.rows[0];
    const entityApi = `/api/v1/entities/${row.entity_id}?date=${row.analysis_date}&processor=${row.processor}`;
    const eventsOf = async () => (await (await page.request.get(entityApi)).json()).processors[0].breaker.value.events as unknown[];
    const before = await eventsOf();
    expect(before.length).toBeGreaterThan(1);
    await page.goto(`/entities/${row.entity_id}?date=${row.analysis_date}`);
    const section = page.getByTestId(`reset-${row.processor}`);
    await section.getByText("Reset this breaker").click();
    const form = section.getByTestId("reset-form");
    await form.getByLabel(/Why/).fill("History recorded against a schedule error; clearing after the fix");
    await form.getByLabel(/to confirm/).fill(row.entity_id);
    await form.getByRole("button", { name: "Reset breaker" }).click();
    await expect(form.getByTestId("reset-result")).toContainText("one RESET row left");
    const audit = await (await page.request.get("/api/v1/audit?action=reset&actor=admin")).json();
    expect(audit.rows[0].keys[0]).toMatchObject({ entity_id: row.entity_id, analysis_date: row.analysis_date });
    expect(await eventsOf()).toHaveLength(1);

    // Undo it from the audit page: the reset's record offers its rows back, once.
    await page.goto("/audit?action=reset&actor=admin");
    const record = page.getByRole("row").filter({ hasText: "History recorded against a schedule error" }).first();
    await record.getByText(`Restore the ${before.length} removed rows`).click();
    const restore = record.getByTestId("restore-form");
    await restore.getByLabel(/Why/).fill("Reset applied by mistake; putting the history back");
    await restore.getByLabel(/to confirm/).fill(row.entity_id);
    await restore.getByRole("button", { name: `Restore ${before.length} rows` }).click();
    await expect(restore.getByTestId("restore-result")).toContainText(`Restored: ${before.length} rows are back`);
    expect(await eventsOf()).toEqual(before);
    // Loaded again, the record says why it cannot be restored again.
    await page.reload();
    await expect(page.getByRole("row").filter({ hasText: "History recorded against a schedule error" }).first().getByTestId("restore-unavailable")).toContainText(
      "Already restored by admin",
    );
    const restores = await (await page.request.get("/api/v1/audit?action=restore")).json();
    expect(restores.rows[0]).toMatchObject({ actor: "admin", keys: [{ entity_id: row.entity_id, analysis_date: row.analysis_date }] });
  });
});
