import AxeBuilder from "@axe-core/playwright";
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

test.describe("on a phone", () => {
  test.use({ viewport: { width: 412, height: 823 }, isMobile: true, hasTouch: true });
  for (const { path, name } of [PAGES[0]!, PAGES[1]!]) {
    test(`${name} (${path}): every touch target is at least 24 px or spaced as one`, async ({ page }) => {
      await openPage(page, path);
      const results = await new AxeBuilder({ page }).withRules(["target-size"]).analyze();
      expect(results.violations.flatMap((v) => v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")}: ${n.failureSummary}`))).toEqual([]);
    });
  }
});

test("pages load without a content-security-policy violation", async ({ page }) => {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (e) => seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
  });
  for (const path of ["/", "/breakers", "/trends"]) {
    await openPage(page, path);
    expect(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations), path).toEqual([]);
  }
});

test("a key's entity link and its timeline link sit on two lines, each a full touch target", async ({ page }) => {
  await openPage(page, "/breakers");
  const cell = page.locator("table tbody tr").first().locator("th");
  const [entity, timeline] = [cell.locator("a").first(), cell.locator("a.cell-sub")];
  const [e, t] = [await entity.boundingBox(), await timeline.boundingBox()];
  expect(e && t).toBeTruthy();
  expect(t!.y).toBeGreaterThanOrEqual(e!.y + e!.height - 1);
  expect(Math.min(e!.height, t!.height)).toBeGreaterThanOrEqual(24);
});
