import { readFileSync } from "node:fs";

import { expect, test } from "@playwright/test";

import { openPage } from "./support/console";

/**
 * The entities page's lists, paged by the warehouse (signed in as a viewer): a page at a time,
 * filtered through the URL, and exported whole as the API's CSV stream.
 */

const rangeTotal = (text: string) => Number(text.match(/of ([\d,]+)$/)![1]!.replace(/,/g, ""));

test("below threshold: a processor's entities, page by page, and the CSV of all of them", async ({ page }) => {
  // The processor with the most entities below threshold, as the API counts them.
  const first = (await (await page.request.get("/api/v1/monitoring/below-threshold?page_size=1")).json()) as { total: number; facets: { processors: { value: string; count: number }[] } };
  expect(first.total).toBeGreaterThan(0);
  const { value: processor, count } = first.facets.processors[0]!;

  await openPage(page, `/entities?processor=${processor}`);
  const panel = page.getByTestId("below-threshold-panel");
  await expect(panel.getByTestId("below-threshold-table").locator("tbody tr").first()).toBeVisible();
  await expect(panel.getByTestId("row-range")).toContainText(new RegExp(`of ${count.toLocaleString("en-US")}$`));
  const total = rangeTotal(await panel.getByTestId("row-range").innerText());
  expect(await panel.getByTestId("below-threshold-table").locator("tbody tr").count()).toBe(Math.min(50, total));

  // The export is the API's stream of every selected row (not only this page), at the page's as_of and now.
  const link = panel.getByTestId("csv-export");
  await expect(link).toHaveAttribute("href", new RegExp(`^/api/v1/monitoring/below-threshold\\?as_of=\\d{4}-\\d{2}-\\d{2}&now=[^&]+&processor=${processor}&sort=completeness_pct&dir=asc&format=csv$`));
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  const csv = readFileSync((await download.path())!, "utf8").trimEnd().split("\r\n");
  expect(csv[0]).toBe("processor,entity_id,date,completeness_pct,expected_games,actual_games,missing_games,processing_decision_reason");
  expect(csv).toHaveLength(total + 1);
  expect(csv.slice(1).every((line) => line.startsWith(`${processor},`))).toBe(true);

  // The next page is the warehouse's next 50 rows.
  if (total > 50) {
    await panel.getByRole("link", { name: "Next →" }).click();
    await expect(page).toHaveURL(/page=2/);
    await expect(panel.getByTestId("row-range")).toContainText(/^Entities 51–/);
  }
});

test("multi-window and bootstrap views read their pages from the API", async ({ page }) => {
  await openPage(page, "/entities");
  await page.getByTestId("view-multi-window").click();
  await expect(page).toHaveURL(/view=multi-window/);
  const windows = page.getByTestId("multi-window-panel");
  await expect(windows.getByTestId("row-range")).toBeVisible();
  const entities = rangeTotal(await windows.getByTestId("row-range").innerText().then((t) => (t.startsWith("No ") ? "of 0" : t)));
  await expect(windows.getByTestId("csv-export")).toContainText(`Export CSV (${entities.toLocaleString("en-US")} ${entities === 1 ? "row" : "rows"})`);

  await page.getByTestId("view-bootstrap").click();
  await expect(page).toHaveURL(/view=bootstrap/);
  await expect(page.getByTestId("bootstrap-panel").getByRole("heading", { level: 2 })).toContainText(/Bootstrap records this season \([\d,]+\)/);
});
