import { type Page, expect, test } from "@playwright/test";

import { authFile } from "./auth";

/**
 * The write journeys on the demo season, each signed in as the role that does it. The demo
 * season ends yesterday with an outage not yet backfilled, so breakers are active. The tests of
 * this file run in order on one database: the admin's reset (which restores what it removed)
 * runs before the operator's bulk override, which leaves few keys active.
 */

type Key = { processor: string; entity_id: string; analysis_date: string };

const keyOrder = (a: Key, b: Key) =>
  a.processor !== b.processor ? (a.processor < b.processor ? -1 : 1) : a.entity_id !== b.entity_id ? (a.entity_id < b.entity_id ? -1 : 1) : a.analysis_date < b.analysis_date ? -1 : a.analysis_date > b.analysis_date ? 1 : 0;
const sameKey = (a: Key) => (b: Key) => a.processor === b.processor && a.entity_id === b.entity_id && a.analysis_date === b.analysis_date;

/** The active keys as the API reads them now (every page), in one fixed order, so a test picks the same key on every run of one database. */
async function activeKeys(page: Page): Promise<Key[]> {
  const rows: Key[] = [];
  let at = "";
  for (let n = 1; ; n++) {
    const response = await page.request.get(`/api/v1/monitoring/active-breakers?sort=processor&dir=asc&page_size=500&page=${n}${at}`);
    expect(response.ok()).toBe(true);
    const body = (await response.json()) as { rows: Key[]; total: number; now: string };
    rows.push(...body.rows);
    // Every page at the first page's instant.
    at = `&now=${encodeURIComponent(body.now)}`;
    if (rows.length >= body.total || body.rows.length === 0) break;
  }
  return rows.map(({ processor, entity_id, analysis_date }) => ({ processor, entity_id, analysis_date })).sort(keyOrder);
}

/** The Active list's Override button of exactly this key (its accessible name names the key). */
const overrideButtonOf = (page: Page, key: Key) =>
  page.getByRole("button", { name: `Override ${key.entity_id} ${key.analysis_date} ${key.processor}`, exact: true });

/** The Active list narrowed to this key's entity, processor and date: its row is on the first page. */
const activeListOf = (key: Key) =>
  `/breakers?tab=active&q=${encodeURIComponent(key.entity_id)}&processor=${key.processor}&date=${key.analysis_date}`;

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

test.describe("an admin", () => {
  test.use({ storageState: authFile("admin") });

  test("resets a key after typing its id: one RESET row remains; restoring it from the audit page gives every row back", async ({ page }) => {
    // An active key (a player one when there is one): its breaker has tripped, so it has several rows.
    const active = await activeKeys(page);
    const row = active.find((k) => k.processor === "player_shot_zone_analysis") ?? active[0];
    if (!row) throw new Error("No active breaker to reset: the demo season should end with some");
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
    expect((await activeKeys(page)).some(sameKey(row))).toBe(false);

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
    // Its rows back, the key is active again.
    expect((await activeKeys(page)).some(sameKey(row))).toBe(true);
    // Loaded again, the record says why it cannot be restored again.
    await page.reload();
    await expect(page.getByRole("row").filter({ hasText: "History recorded against a schedule error" }).first().getByTestId("restore-unavailable")).toContainText(
      "Already restored by admin",
    );
    const restores = await (await page.request.get("/api/v1/audit?action=restore")).json();
    expect(restores.rows[0]).toMatchObject({ actor: "admin", keys: [{ entity_id: row.entity_id, analysis_date: row.analysis_date }] });
  });
});

test.describe("an operator", () => {
  test.use({ storageState: authFile("operator") });

  test("overrides one breaker: its row leaves the Active list and it shows in history and audit with their name", async ({ page }) => {
    const key = (await activeKeys(page))[0];
    expect(key, "the demo season ends with active breakers").toBeDefined();
    await page.goto(activeListOf(key!));
    const button = overrideButtonOf(page, key!);
    await expect(button).toHaveCount(1);
    const reason = `Late box score landed for ${key!.entity_id}; verified in the live recheck`;
    await button.click();
    const form = page.getByTestId("override-form");
    await form.getByLabel(/What you checked/).fill(reason);
    await form.getByRole("button", { name: "Override breaker" }).click();
    await expect(page.getByTestId("override-result")).toContainText("Overridden");

    // The row leaves the list at once, and stays gone when the page reads the list again.
    await expect(button).toHaveCount(0);
    await page.reload();
    await expect(page.getByTestId("active-breakers-table")).toBeVisible();
    await expect(overrideButtonOf(page, key!)).toHaveCount(0);
    expect((await activeKeys(page)).some(sameKey(key!))).toBe(false);

    const audit = await page.request.get("/api/v1/audit?action=override");
    const rows = (await audit.json()).rows as { actor: string; reason: string; keys: Key[] }[];
    const mine = rows.find((r) => r.reason === reason);
    expect(mine).toMatchObject({ actor: "operator", keys: [key] });

    // The key's history (a page of keys, each with its rows), narrowed to it.
    const history = await (
      await page.request.get(`/api/v1/monitoring/breaker-history?processor=${key!.processor}&entity=${encodeURIComponent(key!.entity_id)}&date=${key!.analysis_date}`)
    ).json();
    type Event = Key & { event: string; actor: string | null };
    const events = (history.rows as { events: Event[] }[]).flatMap((k) => k.events);
    expect(events.some((r: Event) => r.event === "override" && r.actor === "operator" && sameKey(key!)(r))).toBe(true);

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
