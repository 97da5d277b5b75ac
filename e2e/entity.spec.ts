import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";

/**
 * The entity page on the simulated season (the original check-completeness script, done right):
 * per processor the stored row, each window now, the live recheck's verdict and the breaker
 * timeline; a team; and ids the page refuses or cannot find.
 */

const PLAYER_PROCESSORS = [
  "player_shot_zone_analysis",
  "player_daily_cache",
  "player_composite_factors",
  "ml_feature_store",
  "upcoming_player_game_context",
];

async function expectNoSeriousA11yViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}

test("a player's page shows every player processor with its windows, live recheck and breaker timeline", async ({ page }) => {
  await page.goto("/entities/lebronjames");
  await expect(page.getByRole("heading", { level: 1, name: "lebronjames" })).toBeVisible();
  await expect(page.getByText("latest with output")).toBeVisible();

  const summary = page.getByRole("region", { name: "Summary" });
  await expect(summary.getByRole("row")).toHaveCount(1 + PLAYER_PROCESSORS.length);

  for (const processor of PLAYER_PROCESSORS) {
    const section = page.getByTestId(`section-${processor}`);
    await expect(section.getByRole("heading", { level: 2 })).toContainText(processor);
    await expect(section.getByRole("heading", { level: 3, name: "Stored row" })).toBeVisible();
    // The windows table: one row per window, each with a readiness in words.
    const windows = section.getByRole("table");
    await expect(windows).toBeVisible();
    await expect(windows.getByRole("columnheader", { name: "Expected" })).toBeVisible();
    await expect(windows.getByRole("rowheader").first()).toContainText(/^L\d+ (games|days)/);
    await expect(section.getByRole("heading", { level: 3, name: "Breaker timeline" })).toBeVisible();
    await expect(section.getByText("State now:")).toBeVisible();
    // The live recheck's verdict, with its reading time in UTC.
    const verdict = section.getByTestId("live-verdict");
    await expect(verdict).toContainText(/override/i);
    await expect(verdict).toContainText(/Live recheck read \d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})? UTC/);
  }

  await expectNoSeriousA11yViolations(page);
});

test("the date moves through the URL: previous date link and the date picker", async ({ page }) => {
  await page.goto("/entities/lebronjames");
  await expect(page.getByRole("heading", { level: 1, name: "lebronjames" })).toBeVisible();

  const previous = page.getByRole("navigation", { name: "Dates with output" }).getByRole("link", { name: /^←/ });
  const previousDate = ((await previous.textContent()) ?? "").replace("←", "").trim();
  await previous.click();
  await expect(page).toHaveURL(new RegExp(`/entities/lebronjames\\?date=${previousDate}$`));
  await expect(page.getByText("as requested")).toBeVisible();
  await expect(page.getByRole("paragraph").filter({ hasText: "as requested" })).toContainText(previousDate);

  const picker = page.getByLabel("Date", { exact: true });
  await picker.fill(previousDate);
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(new RegExp(`\\?date=${previousDate}$`));
});

test("a team shows its own processor and its team-game key", async ({ page }) => {
  await page.goto("/entities/LAL");
  await expect(page.getByRole("heading", { level: 1, name: "LAL" })).toBeVisible();
  await expect(page.getByTestId("section-team_defense_zone_analysis").getByRole("table")).toBeVisible();
  const utgc = page.getByTestId("section-upcoming_team_game_context");
  await expect(utgc.getByRole("heading", { level: 2 })).toContainText("upcoming_team_game_context");
  await expect(utgc).toContainText(/LAL_\d{4}-\d{2}-\d{2}/);
  await expect(utgc.getByTestId("live-verdict")).toBeVisible();
});

test("an invalid id gets a message and the documented-but-wrong form a suggestion", async ({ page }) => {
  await page.goto("/entities/lebron_james");
  const problem = page.getByTestId("entity-problem");
  await expect(problem).toContainText("is not a player id");
  await problem.getByText("Did you mean").getByRole("link", { name: "lebronjames" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "lebronjames" })).toBeVisible();

  await page.goto("/entities/LAL!!");
  await expect(page.getByTestId("entity-problem")).toContainText("is not an entity id");

  await page.goto("/entities/nosuchplayer");
  await expect(page.getByRole("heading", { level: 1, name: "Entity not found" })).toBeVisible();
});

test("a bad date is a message, not a crash", async ({ page }) => {
  await page.goto("/entities/lebronjames?date=2026-13-45");
  await expect(page.getByText(/“2026-13-45” .*showing the latest date with output instead/)).toBeVisible();
  await expect(page.getByTestId("section-player_daily_cache")).toBeVisible();
});

test.describe("dark theme", () => {
  test.use({ colorScheme: "dark" });

  test("the player page has no serious accessibility violation in dark mode either", async ({ page }) => {
    await page.goto("/entities/lebronjames");
    await expect(page.getByTestId("section-player_daily_cache")).toBeVisible();
    await expectNoSeriousA11yViolations(page);
  });
});
