import AxeBuilder from "@axe-core/playwright";
import { type Page, expect } from "@playwright/test";

/**
 * Shared steps of the console's journeys. Specs run signed in (the project's storageState,
 * e2e/auth.setup.ts). Next injects its own role="alert" route announcer, so messages are
 * matched by test id or text, never by role="alert".
 */

/** Opens a console page and waits until its panels have rendered (no skeleton left). */
export async function openPage(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.locator("[aria-busy='true']")).toHaveCount(0, { timeout: 30_000 });
}

/** Axe on the current page: no serious or critical violation. */
export async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    serious.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`),
  ).toEqual([]);
}

/** The values of one column of a table (by its header name), as shown. */
export async function columnTexts(page: Page, tableTestId: string, header: string): Promise<string[]> {
  const table = page.getByTestId(tableTestId);
  const headers = await table.locator("thead th").allInnerTexts();
  const index = headers.findIndex((h) => h.replace(/[↕▲▼]/g, "").trim() === header);
  if (index < 0) throw new Error(`No column "${header}" in ${tableTestId}: ${headers.join(", ")}`);
  return table.locator(`tbody tr > :nth-child(${index + 1})`).allInnerTexts();
}
