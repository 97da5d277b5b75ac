import { type Page, expect, test } from "@playwright/test";

import { authFile } from "./auth";
import { openPage } from "./support/console";

/**
 * A phone (390 × 844): no page of the console is wider than the window — tables scroll inside
 * their panels with the first column and the action column pinned, the navigation sits behind a
 * menu button, alerts wrap. Screenshots of every page land in test-results/phone/ to look at.
 */

const PHONE = { width: 390, height: 844 };

test.use({ viewport: PHONE, storageState: authFile("operator") });

/** How far the document reaches past the window's right edge (0 when it fits). */
async function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** The elements reaching past the window's right edge, to name in a failure. */
async function culprits(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const out: string[] = [];
    for (const el of document.querySelectorAll("body *")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= width + 0.5) continue;
      // Only the outermost: skip an element whose parent is already past the edge.
      const parent = el.parentElement?.getBoundingClientRect();
      if (parent && parent.right > width + 0.5) continue;
      out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")} right=${Math.round(r.right)}`);
    }
    return out.slice(0, 8);
  });
}

async function expectFits(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/phone/${name}.png`, fullPage: true });
  expect(await overflow(page), `${name} is wider than the window: ${(await culprits(page)).join(", ")}`).toBeLessThanOrEqual(0);
}

/** The console's pages, and for the breakers page every tab and grouping it links to. */
async function consolePages(page: Page): Promise<{ name: string; path: string }[]> {
  const active = (await (await page.request.get("/api/v1/monitoring/active-breakers")).json()) as { rows: { entity_id: string; analysis_date: string }[] };
  const key = active.rows[0];
  expect(key, "the demo morning has an active breaker").toBeTruthy();
  const incidents = (await (await page.request.get("/api/v1/incidents", { timeout: 120_000 })).json()) as { rows: { id: string }[] };
  expect(incidents.rows.length, "the demo morning has an incident").toBeGreaterThan(0);

  await openPage(page, "/breakers");
  const tabs = await page.locator("main .tabs a").evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).getAttribute("href")!));
  expect(tabs.length).toBeGreaterThan(1);
  return [
    { name: "overview", path: "/" },
    ...tabs.map((href) => ({ name: `breakers ${href}`, path: href })),
    { name: "breakers grouped by incident", path: "/breakers?group=incident" },
    { name: "bulk override", path: "/breakers/bulk" },
    { name: "entities", path: "/entities" },
    { name: "entity", path: `/entities/${encodeURIComponent(key!.entity_id)}?date=${key!.analysis_date}` },
    { name: "incident", path: `/incidents/${encodeURIComponent(incidents.rows[0]!.id)}` },
    { name: "trends", path: "/trends" },
    { name: "audit", path: "/audit" },
  ];
}

test("no page is wider than a phone's window", async ({ page }) => {
  test.setTimeout(300_000);
  for (const { name, path } of await consolePages(page)) {
    await test.step(name, async () => {
      await openPage(page, path);
      await expectFits(page, name.replace(/[^\w-]+/g, "_"));
    });
  }
});

test("the write forms fit a phone: the bulk preview and the entity page's override form, open", async ({ page }) => {
  await openPage(page, "/breakers/bulk");
  await page.getByLabel("Only keys whose upstream data is complete now").uncheck();
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByTestId("bulk-preview")).toBeVisible({ timeout: 30_000 });
  await expectFits(page, "bulk-preview");

  const active = (await (await page.request.get("/api/v1/monitoring/active-breakers")).json()) as {
    rows: { processor: string; entity_id: string; analysis_date: string }[];
  };
  const key = active.rows[0]!;
  await openPage(page, `/entities/${encodeURIComponent(key.entity_id)}?date=${key.analysis_date}`);
  await page.getByTestId(`override-${key.processor}`).getByText("Override this breaker").click();
  await expect(page.getByTestId(`override-${key.processor}`).getByTestId("override-form")).toBeVisible();
  await expectFits(page, "entity-override-open");
});

test("the sign-in page fits a phone", async ({ browser }) => {
  const context = await browser.newContext({ viewport: PHONE, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto("/login");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expectFits(page, "login");
  await context.close();
});

test("the breakers table scrolls inside its panel: the first column and the Override button stay on screen", async ({ page }) => {
  await openPage(page, "/breakers?tab=active");
  const table = page.locator("main table.data").first();
  await expect(table).toBeVisible();
  const wrap = table.locator("xpath=..");
  const { scrollWidth, clientWidth } = await wrap.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
  expect(scrollWidth, "the table is wider than a phone and scrolls in its panel").toBeGreaterThan(clientWidth);

  const firstCell = table.locator("tbody tr").first().locator(":scope > *").first();
  const override = table.getByRole("button", { name: /^Override/ }).first();
  await expect(override).toBeVisible();
  const cellBefore = (await firstCell.boundingBox())!;
  const button = (await override.boundingBox())!;
  expect(button.x + button.width, "the Override button is inside the window").toBeLessThanOrEqual(PHONE.width);
  // Scrolled to the far right, the row's first cell is still where it was.
  await wrap.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
  const cellAfter = (await firstCell.boundingBox())!;
  expect(Math.round(cellAfter.x)).toBe(Math.round(cellBefore.x));
  await page.screenshot({ path: "test-results/phone/breakers-scrolled.png" });
});

test("the navigation collapses behind a menu button that works from the keyboard", async ({ page }) => {
  await openPage(page, "/");
  const menu = page.getByRole("button", { name: "Menu" });
  const trends = page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Trends" });
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(trends).toBeHidden();

  await menu.focus();
  await page.keyboard.press("Enter");
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await expect(trends).toBeVisible();
  await expect(page.getByTestId("signed-in-as")).toBeVisible();
  await page.screenshot({ path: "test-results/phone/menu-open.png" });

  await page.keyboard.press("Escape");
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(menu).toBeFocused();
  await expect(trends).toBeHidden();

  // Following a link closes the menu on the new page.
  await menu.click();
  await trends.click();
  await expect(page).toHaveURL(/\/trends/);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(trends).toBeHidden();
});

test("on a desktop the navigation shows without a menu button", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openPage(page, "/");
  await expect(page.getByRole("button", { name: "Menu" })).toBeHidden();
  await expect(page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Trends" })).toBeVisible();
});
