import { type Locator, type Page, expect, test } from "@playwright/test";

import { authFile } from "./auth";
import { expectNoSeriousA11yViolations, openPage } from "./support/console";

/**
 * On call after an outage: the overview leads with the incident, its page says what has
 * recovered, and one action overrides exactly those keys through the token-bound preview — in
 * at most six clicks from the overview, counted here — and the audit shows the bulk override.
 */

/** The overview once its incidents have been read (the browser asks for them after the page is up; a cold grouping takes a while). */
async function openOverview(page: Page): Promise<void> {
  await page.goto("/");
  await expect(page.getByTestId("incidents-panel")).toBeVisible({ timeout: 90_000 });
  await expect(page.locator("[aria-busy='true']")).toHaveCount(0, { timeout: 30_000 });
}

/** Every click of the journey goes through here, so the count is the journey's. */
function clicker() {
  let clicks = 0;
  return {
    click: async (target: Locator) => {
      clicks += 1;
      await target.click();
    },
    get count() {
      return clicks;
    },
  };
}

test.describe("an on-call operator", () => {
  test.use({ storageState: authFile("operator") });

  test("goes from the overview's incident to every recovered key overridden in at most 6 clicks, and the audit shows it", async ({ page }) => {
    // Grouping incidents rechecks every failing key: tens of seconds cold on two busy cores, and
    // again after the override changes the data. The journey's steps wait for it, not the clock.
    test.setTimeout(240_000);
    const journey = clicker();
    await openOverview(page);
    const panel = page.getByTestId("incidents-panel");
    await expect(panel).toBeVisible();
    // The overview leads with the incidents: the first panel on the page.
    await expect(page.locator("section.panel").first()).toHaveAttribute("data-testid", "incidents-panel");
    const row = panel.locator("[data-testid=incident-row]:not([data-recovered='0'])").first();
    // The journey needs a morning where some tripped keys have their data back (the `original`
    // demo profile's half-backfilled outage). A morning with none has nothing safe to override.
    test.skip((await row.count()) === 0, "no open incident of this demo morning has a key whose data has recovered");
    await expect(row, "an open incident some of whose keys have their data back").toBeVisible();
    const cause = (await row.getByTestId("incident-link").textContent())!.trim();

    await journey.click(row.getByTestId("incident-link"));
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(cause, { timeout: 90_000 });
    await expect(page.getByTestId("incident-recovery-line")).toContainText(/Data now complete for [\d,]+ of [\d,]+ keys/);
    const action = page.getByTestId("override-recovered");
    const n = Number(/Override the ([\d,]+) keys? whose data has recovered/.exec((await action.textContent()) ?? "")?.[1]?.replace(/,/g, ""));
    expect(n).toBeGreaterThan(0);

    await journey.click(action);
    const preview = page.getByTestId("bulk-preview");
    await expect(preview).toBeVisible({ timeout: 30_000 });
    await expect(preview.getByRole("heading", { level: 2 })).toContainText(`${n} breakers will be overridden`);
    // What happens next for these processors' breaker readers.
    await expect(preview.getByTestId("bulk-consequence")).toContainText("What the override gives these processors");
    // The reason is filled in with what the server checked; the operator may add to it.
    await expect(preview.getByLabel(/What you checked/)).not.toHaveValue("");

    await journey.click(preview.getByRole("button", { name: `Override ${n} breakers` }));
    await expect(page.getByTestId("bulk-result")).toContainText(`Applied: ${n} breakers overridden`, { timeout: 30_000 });

    await journey.click(page.getByRole("link", { name: "Audit", exact: true }));
    const audit = page.getByTestId("audit-table");
    await expect(audit).toBeVisible({ timeout: 30_000 });
    const first = audit.locator("tbody tr").first();
    await expect(first).toContainText("operator");
    await expect(first).toContainText(cause);
    expect(journey.count).toBeLessThanOrEqual(6);

    // The incident has nothing recovered left to override.
    await page.goBack();
    await page.reload();
    await expect(page.getByTestId("override-recovered")).toContainText("Override the 0 keys", { timeout: 90_000 });
  });
});

test.describe("a viewer", () => {
  test("reads an incident, its keys and CSV, and is told why it cannot override", async ({ page }) => {
    test.setTimeout(180_000);
    await openOverview(page);
    const link = page.getByTestId("incident-link").first();
    await expect(link).toBeVisible();
    await link.click();
    await expect(page.getByTestId("incident-blast-radius")).toBeVisible({ timeout: 90_000 });
    await expect(page.getByTestId("override-recovered")).toHaveCount(0);
    await expect(page.getByTestId("override-not-allowed")).toContainText("needs the operator role");
    await expect(page.getByTestId("incident-keys").locator("tbody tr").first()).toBeVisible();
    const csv = await page.request.get((await page.getByTestId("incident-csv").getAttribute("href"))!);
    expect(csv.status()).toBe(200);
    expect((await csv.text()).split("\r\n")[0]).toBe("processor,entity_id,analysis_date,state,recovered,still_missing,outcome,failed_at,tripped_at");
    await expectNoSeriousA11yViolations(page);
  });

  test("groups the active breakers by incident on the breakers page", async ({ page }) => {
    await openPage(page, "/breakers");
    await page.getByTestId("group-incident").click();
    await expect(page).toHaveURL(/group=incident/);
    await expect(page.getByTestId("active-by-incident")).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId("unexplained-group")).toBeVisible();
  });
});
