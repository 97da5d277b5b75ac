import { expect, test } from "@playwright/test";

import { expectNoSeriousA11yViolations, openPage } from "./support/console";

/**
 * Axe on every page of the console's read side, in the light and the dark theme: no serious or
 * critical violation (contrast, names, landmarks, table headers…).
 */

const PAGES = [
  { path: "/", name: "overview" },
  { path: "/breakers", name: "active breakers" },
  { path: "/breakers?tab=history", name: "breaker history" },
  { path: "/breakers?tab=patterns", name: "reprocessing patterns" },
  { path: "/trends", name: "trends" },
  { path: "/entities", name: "entities below threshold" },
  { path: "/entities?view=multi-window", name: "multi-window entities" },
  { path: "/entities?view=bootstrap", name: "bootstrap records" },
];

for (const colorScheme of ["light", "dark"] as const) {
  test.describe(`${colorScheme} theme`, () => {
    test.use({ colorScheme });
    for (const { path, name } of PAGES) {
      test(`${name} (${path}) has no serious accessibility violation`, async ({ page }) => {
        await openPage(page, path);
        await expectNoSeriousA11yViolations(page);
      });
    }
  });
}

test("the skip link moves focus to the main content, and focus is visible", async ({ page }) => {
  await openPage(page, "/");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/#main$/);
  await page.keyboard.press("Tab");
  const focused = page.locator(":focus");
  await expect(focused).toBeVisible();
  // The focused element sits inside <main>, after the skip.
  expect(await focused.evaluate((el) => Boolean(el.closest("main")))).toBe(true);
  expect(await focused.evaluate((el) => getComputedStyle(el).outlineStyle)).not.toBe("none");
});

test("the theme toggle is remembered by the server (no flash on the next load)", async ({ page }) => {
  await openPage(page, "/");
  await page.getByTestId("theme-dark").click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await page.reload();
  // Set by the server from the cookie, in the first HTML.
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await expect(page.getByTestId("theme-dark")).toHaveAttribute("aria-pressed", "true");
  await page.getByTestId("theme-system").click();
  await expect(page.locator("html")).not.toHaveAttribute("data-theme", /./);
});
