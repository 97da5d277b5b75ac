import { type Page, expect, test } from "@playwright/test";

import { openPage } from "./support/console";

/**
 * Trends as people use them: a 7-day figure clicked on the overview is the figure shown where
 * the link lands; the readiness alert says which figure it judges; every audited operator action
 * is on the time axis; a drag across a chart zooms, in the URL, and resets.
 */

/** The 7-day figure of a processor's row on the overview, as shown there. */
async function sevenDayReady(page: Page, processor: string) {
  const link = page.getByTestId(`processor-row-${processor}`).getByRole("link", { name: new RegExp(`^${processor}: .* ready over 7 days`) });
  return { link, text: (await link.innerText()).trim() };
}

test("an overview 7-day ready figure lands on that processor's row of the trends table, showing the same figure", async ({ page }) => {
  await openPage(page, "/");
  const first = page.locator("[data-testid^='processor-row-']").first();
  const processor = (await first.getAttribute("data-testid"))!.replace("processor-row-", "");
  const { link, text } = await sevenDayReady(page, processor);
  expect(text).toMatch(/^\d+\.\d%$/);

  await link.click();
  await expect(page).toHaveURL(new RegExp(`/trends\\?range=7.*#figures-ready-${processor}$`));
  const row = page.getByTestId(`figures-ready-${processor}`);
  await expect(row).toBeVisible({ timeout: 30_000 });
  await expect(row).toHaveAttribute("aria-current", "location");
  // The first figure of the row is the window's: the one clicked.
  await expect(row.locator("td").first()).toHaveText(text);
  await expect(page.getByTestId("figures-ready")).toContainText("7 days");
  await expect(row).toBeInViewport();
});

test("the readiness alert names its figure's window and processor; its link lands on that figure", async ({ page }) => {
  await openPage(page, "/");
  const alert = page.getByTestId("alert-warning");
  const message = await alert.locator(".alert-message").innerText();
  const m = /below \d+% production ready over the last 7 days \(lowest: ([a-z_]+), ([\d.]+)%\)/.exec(message);
  expect(m, message).not.toBeNull();
  const [, processor, lowest] = m!;
  // The lowest is that processor's 7-day figure (the table's "Ready, 7 days"), not a one-day one.
  const { text } = await sevenDayReady(page, processor!);
  expect(Number(text.replace("%", ""))).toBeCloseTo(Number(lowest), 1);
  await expect(page.getByTestId("alert-window")).toContainText("7 days");

  await alert.getByRole("link", { name: new RegExp(`ready over 7 days$`) }).filter({ hasText: `${lowest}%` }).first().click();
  const row = page.getByTestId(`figures-ready-${processor}`);
  await expect(row).toBeVisible({ timeout: 30_000 });
  await expect(row.locator("td").first()).toHaveText(text);
});

test("every audited override, reset and restore in the range is on the time axis", async ({ page }) => {
  await openPage(page, "/trends?range=season");
  const heading = await page.getByTestId("trends-panel").getByRole("heading", { level: 2 }).innerText();
  const response = await page.request.get("/api/v1/audit");
  expect(response.status()).toBe(200);
  const { rows } = (await response.json()) as { rows: { action: string; created_at: string; key_count: number }[] };
  const operatorDays = new Map<string, number>();
  for (const r of rows) {
    if (r.action === "override" || r.action === "bulk_override") operatorDays.set(r.created_at.slice(0, 10), (operatorDays.get(r.created_at.slice(0, 10)) ?? 0) + r.key_count);
  }
  expect(operatorDays.size, heading).toBeGreaterThan(0);
  const events = page.getByTestId("axis-events");
  for (const [day, keys] of operatorDays) {
    const [y, mo, d] = day.split("-").map(Number) as [number, number, number];
    const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][mo - 1];
    const item = events.locator("li").filter({ hasText: `${d} ${month} ${y}` });
    await expect(item, `${day}: ${keys} keys overridden`).toContainText(`${keys === 1 ? "1 key" : `${keys.toLocaleString("en-US")} keys`} overridden`);
  }
});

test("dragging across a chart zooms the time axis, in the URL; reset shows the range again", async ({ page }) => {
  await openPage(page, "/trends");
  const chart = page.getByTestId("chart-completeness");
  const surface = chart.locator("svg.recharts-surface").first();
  await expect(surface).toBeVisible();
  const box = (await surface.boundingBox())!;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * 0.3, y);
  // Hovering: a crosshair and every processor's value on that date.
  await expect(page.locator(".chart-tooltip li").first()).toBeVisible();
  expect(await page.locator(".chart-tooltip").first().locator("li").count()).toBeGreaterThanOrEqual(7);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, y, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.7, y, { steps: 5 });
  await page.mouse.up();

  await expect(page).toHaveURL(/zoom_from=\d{4}-\d{2}-\d{2}&zoom_to=\d{4}-\d{2}-\d{2}/);
  const url = new URL(page.url());
  const from = url.searchParams.get("zoom_from")!;
  const to = url.searchParams.get("zoom_to")!;
  expect(from < to).toBe(true);
  const days = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
  expect(days).toBeGreaterThan(5);
  expect(days).toBeLessThan(20);
  await expect(page.getByTestId("zoom-range")).toContainText(`(${days} days)`);
  // The table under the chart shows the zoomed dates only.
  await page.getByTestId("figures-completeness").locator("summary").click();
  await expect(page.getByTestId("figures-completeness").locator("thead th")).toHaveCount(1 + 1 + days);

  // A shared URL reproduces the zoom.
  await page.reload();
  await expect(page.getByTestId("zoom-range")).toContainText(`(${days} days)`, { timeout: 30_000 });

  await page.getByTestId("zoom-reset").click();
  await expect(page).not.toHaveURL(/zoom_from/);
  await expect(page.getByTestId("zoom-range")).toHaveCount(0);
});
