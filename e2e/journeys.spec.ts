import { readFileSync } from "node:fs";

import { expect, test } from "@playwright/test";

import { columnTexts, openPage } from "./support/console";

/**
 * Three read journeys on the simulated season (signed in as a viewer):
 * the morning health check, a manager's trends, and a breaker investigation.
 */

test("daily health check: overview → an alert → the rows behind it → an entity page", async ({ page }) => {
  await openPage(page, "/");
  await expect(page.getByTestId("data-as-of")).toContainText(/Data as of \w{3} \d{1,2} \w{3} \d{4}/);
  await expect(page.getByTestId("demo-notice")).toContainText("Demo data: simulated season through");

  // One row per processor, worst first, each with a status in words.
  const processors = page.getByTestId("processors-panel");
  await expect(processors.locator("tbody tr")).toHaveCount(7);
  await expect(processors.locator("tbody tr").first().locator(".badge")).toHaveText(/Critical|Warning|No data|Good|Excellent/);

  // Refresh re-reads the panels from the monitoring API (the page itself does not reload).
  const refreshed = page.waitForResponse((r) => r.url().includes("/api/v1/monitoring/health") && r.ok());
  await page.getByRole("button", { name: "Refresh" }).click();
  await refreshed;
  await expect(page.getByRole("button", { name: "Refresh" })).toBeEnabled();
  await expect(page.getByTestId("refresh-control")).toContainText(/last refreshed \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC · just now/);

  // The simulated season ends in an outage that is not backfilled yet: breakers are active.
  const alert = page.getByTestId("alert-critical");
  await expect(alert).toContainText(/\d+ circuit breakers active \(alert above \d+\)/);
  const total = Number((await alert.locator(".alert-message").innerText()).match(/^(\d+)/)![1]);

  // Its first link is exactly the rows that raised it: every active breaker.
  await alert.getByRole("link", { name: /^All \d+ active breakers$/ }).click();
  await expect(page).toHaveURL(/\/breakers\?tab=active/);
  const table = page.getByTestId("active-breakers-table");
  await expect(table.locator("tbody tr").first()).toBeVisible();
  await expect(page.getByTestId("row-range")).toContainText(new RegExp(`of ${total.toLocaleString("en-US")}$`));

  // The first key's entity opens the entity page for that analysis date.
  const entityLink = table.locator("tbody tr").first().getByRole("rowheader").getByRole("link").first();
  const entity = (await entityLink.innerText()).trim();
  await entityLink.click();
  await expect(page).toHaveURL(new RegExp(`/entities/${entity}\\?date=\\d{4}-\\d{2}-\\d{2}$`));
  await expect(page.getByRole("heading", { level: 1, name: entity })).toBeVisible();
});

test("a processor's number on the overview opens exactly its rows", async ({ page }) => {
  await openPage(page, "/");
  const row = page.getByTestId("processor-row-player_daily_cache");
  const count = (await row.getByTestId("active-breakers-player_daily_cache").innerText()).replace(/,/g, "");
  await row.getByTestId("active-breakers-player_daily_cache").click();
  await expect(page).toHaveURL(/processor=player_daily_cache/);
  await expect(page.getByTestId("row-range")).toContainText(new RegExp(`of ${Number(count).toLocaleString("en-US")}$`));
  const processors = await columnTexts(page, "active-breakers-table", "Processor");
  expect(new Set(processors)).toEqual(new Set(["PDC"]));
});

test("a manager's trends: a line per processor, the thresholds, the range in the URL", async ({ page }) => {
  await openPage(page, "/trends");
  const completeness = page.getByTestId("chart-completeness");
  // Every processor has a drawn line (an SVG path with points).
  await expect(completeness.locator("path.recharts-line-curve")).toHaveCount(7);
  for (const d of await completeness.locator("path.recharts-line-curve").evaluateAll((paths) => paths.map((p) => p.getAttribute("d") ?? ""))) {
    expect(d).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)+/);
  }
  // The threshold line is drawn across the plot (a horizontal SVG line: zero height, so measured, not "visible").
  const threshold = completeness.locator(".threshold-line line").first();
  await expect(threshold).toHaveAttribute("stroke-dasharray", "6 4");
  expect(await threshold.evaluate((line) => (line as SVGLineElement).getBBox().width)).toBeGreaterThan(300);
  await expect(completeness.getByText("92% info alert")).toBeVisible();
  // Charts mount as they scroll into view.
  await page.getByTestId("chart-ready").scrollIntoViewIfNeeded();
  await expect(page.getByTestId("chart-ready").getByText("90% warning")).toBeVisible();
  await page.getByTestId("chart-trips").scrollIntoViewIfNeeded();
  await expect(page.getByTestId("chart-trips").locator("path.recharts-line-curve")).toHaveCount(7);
  await expect(page.getByTestId("trends-panel").getByRole("heading", { level: 2 })).toContainText("(30 days)");

  // The legend toggles a processor, in the URL too.
  await page.getByTestId("legend-ml_feature_store").click();
  await expect(page.getByTestId("legend-ml_feature_store")).toHaveAttribute("aria-pressed", "false");
  await expect(page).toHaveURL(/hide=ml_feature_store/);
  await expect(completeness.locator("path.recharts-line-curve")).toHaveCount(6);
  await page.getByTestId("legend-ml_feature_store").click();
  await expect(completeness.locator("path.recharts-line-curve")).toHaveCount(7);

  // A longer range (beyond the queries' 30 days) is a URL; back restores the previous one.
  await page.getByTestId("range-90").click();
  await expect(page).toHaveURL(/range=90/);
  await expect(page.getByTestId("trends-panel").getByRole("heading", { level: 2 })).toContainText("(90 days)");
  await expect(page.getByTestId("range-90")).toHaveAttribute("aria-current", "page");
  await expect(page.getByTestId("chart-completeness").locator("path.recharts-line-curve")).toHaveCount(7);
  await page.goBack();
  await expect(page).not.toHaveURL(/range=90/);
  await expect(page.getByTestId("trends-panel").getByRole("heading", { level: 2 })).toContainText("(30 days)");
  await expect(page.getByTestId("range-30")).toHaveAttribute("aria-current", "page");
});

test("a breaker investigation: filter, sort, export, open a key's timeline", async ({ page }) => {
  await openPage(page, "/breakers");
  const table = page.getByTestId("active-breakers-table");
  await expect(table.locator("tbody tr").first()).toBeVisible();

  // Filter by processor: the URL says so and every row is that processor's.
  await page.getByLabel("Processor").selectOption("player_daily_cache");
  await expect(page).toHaveURL(/processor=player_daily_cache/);
  await expect.poll(async () => new Set(await columnTexts(page, "active-breakers-table", "Processor"))).toEqual(new Set(["PDC"]));

  // Sort by completeness, ascending then descending; the header says which (aria-sort).
  const header = table.getByRole("columnheader", { name: /Completeness/ });
  await header.getByRole("button").click();
  await expect(page).toHaveURL(/sort=completeness_pct&dir=asc/);
  await expect(header).toHaveAttribute("aria-sort", "ascending");
  const ascending = (await columnTexts(page, "active-breakers-table", "Completeness")).map((t) => Number.parseFloat(t));
  expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
  await header.getByRole("button").click();
  await expect(page).toHaveURL(/dir=desc/);
  await expect(header).toHaveAttribute("aria-sort", "descending");
  const descending = (await columnTexts(page, "active-breakers-table", "Completeness")).map((t) => Number.parseFloat(t));
  expect(descending).toEqual([...descending].sort((a, b) => b - a));
  // Back restores the ascending order.
  await page.goBack();
  await expect(header).toHaveAttribute("aria-sort", "ascending");

  // Every row counts its cooldown down, in formatDuration's forms ("6 d" when the hours are 0).
  for (const text of await columnTexts(page, "active-breakers-table", "Cooldown")) {
    expect(text).toMatch(/^(\d+ d( \d+ h)?|\d+ h( \d+ min)?|\d+ min|< 1 min) left$/);
  }

  // The CSV holds every filtered row (not only this page), with a header.
  const total = Number((await page.getByTestId("row-range").innerText()).match(/of ([\d,]+)$/)![1]!.replace(/,/g, ""));
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("csv-export").click()]);
  const csv = readFileSync((await download.path())!, "utf8").trimEnd().split("\r\n");
  expect(csv[0]).toBe("processor,entity_id,analysis_date,attempt_number,completeness_pct,skip_reason,tripped_at,breaker_until,hours_remaining,notes,safe_to_override,verdict");
  expect(csv).toHaveLength(total + 1);
  expect(csv.slice(1).every((line) => line.startsWith("player_daily_cache,"))).toBe(true);

  // A key's timeline: the history filtered to it, events told apart by word.
  const first = table.locator("tbody tr").first();
  const entity = (await first.getByRole("rowheader").getByRole("link").first().innerText()).trim();
  await first.getByRole("link", { name: /^Timeline of player_daily_cache / }).click();
  await expect(page).toHaveURL(new RegExp(`tab=history.*entity=${entity}`));
  await expect(page.getByTestId("history-panel").getByRole("heading", { level: 2 })).toContainText(`Timeline of player_daily_cache · ${entity}`);
  const timeline = page.getByTestId("key-timeline");
  await expect(timeline).toHaveCount(1);
  await expect(timeline.getByTestId("event-trip").first()).toContainText("Trip");
  await expect(timeline.getByTestId("event-failure").first()).toContainText("Failure");
});
