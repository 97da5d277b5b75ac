import { type Locator, type Page, expect, test } from "@playwright/test";

import { authFile } from "./auth";
import { expectNoSeriousA11yViolations, openPage } from "./support/console";

/**
 * On call after an outage: the overview leads with the incident, its page says what has
 * recovered, and one action overrides exactly those keys through the token-bound preview — in
 * at most six clicks from the overview, counted here — and the audit shows the bulk override;
 * after the pipeline's next pass (the demo's one more night) the audit says what each override
 * led to. The demo morning has such an incident on both profiles: the recent outage's earlier
 * games landed on the afternoon before, after its breakers tripped.
 */

/** The overview once its incidents have been read (the browser asks for them after the page is up; a cold grouping takes a while). */
async function openOverview(page: Page): Promise<void> {
  await page.goto("/");
  await expect(page.getByTestId("incidents-panel")).toBeVisible({ timeout: 90_000 });
  await expect(page.locator("[aria-busy='true']")).toHaveCount(0, { timeout: 30_000 });
}

/** Every click of the journey goes through here, so the count is the journey's; each step's time is printed (not asserted). */
function clicker() {
  let clicks = 0;
  let last = performance.now();
  return {
    click: async (target: Locator) => {
      clicks += 1;
      await target.click();
    },
    /** Prints the time since the previous step. */
    step(name: string) {
      const at = performance.now();
      console.log(`[journey] ${name}: ${Math.round(at - last)} ms`);
      last = at;
    },
    get count() {
      return clicks;
    },
  };
}

test.describe("an on-call operator", () => {
  test.use({ storageState: authFile("operator") });

  test("goes from the overview's incident to every recovered key overridden in at most 6 clicks, the audit shows it, and after the next night what it led to", async ({ page, playwright, baseURL }) => {
    // Grouping incidents rechecks every failing key: tens of seconds cold on two busy cores, and
    // again after the override changes the data. The journey's steps wait for it, not the clock.
    test.setTimeout(360_000);
    const journey = clicker();
    await openOverview(page);
    journey.step("overview with its incidents");
    const panel = page.getByTestId("incidents-panel");
    await expect(panel).toBeVisible();
    // The overview leads with the incidents: the first panel on the page.
    await expect(page.locator("section.panel").first()).toHaveAttribute("data-testid", "incidents-panel");
    const row = panel.locator("[data-testid=incident-row]:not([data-recovered='0'])").first();
    // Every demo morning holds one: the recent outage's early backfill landed after its trips.
    await expect(row, "an open incident some of whose keys have their data back").toBeVisible();
    const cause = (await row.getByTestId("incident-link").textContent())!.trim();

    await journey.click(row.getByTestId("incident-link"));
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(cause, { timeout: 90_000 });
    journey.step("incident page");
    await expect(page.getByTestId("incident-recovery-line")).toContainText(/Data now complete for [\d,]+ of [\d,]+ keys/);
    const action = page.getByTestId("override-recovered");
    const n = Number(/Override the ([\d,]+) keys? whose data has recovered/.exec((await action.textContent()) ?? "")?.[1]?.replace(/,/g, ""));
    expect(n).toBeGreaterThan(0);

    await journey.click(action);
    const preview = page.getByTestId("bulk-preview");
    await expect(preview).toBeVisible({ timeout: 30_000 });
    journey.step("bulk preview");
    await expect(preview.getByRole("heading", { level: 2 })).toContainText(`${n} breakers will be overridden`);
    // What happens next for these processors' breaker readers.
    await expect(preview.getByTestId("bulk-consequence")).toContainText("What the override gives these processors");
    // The reason is filled in with what the server checked; the operator may add to it.
    await expect(preview.getByLabel(/What you checked/)).not.toHaveValue("");

    await journey.click(preview.getByRole("button", { name: `Override ${n} breakers` }));
    await expect(page.getByTestId("bulk-result")).toContainText(`Applied: ${n} breakers overridden`, { timeout: 30_000 });
    journey.step("override applied");

    await journey.click(page.getByRole("link", { name: "Audit", exact: true }));
    const audit = page.getByTestId("audit-table");
    await expect(audit).toBeVisible({ timeout: 30_000 });
    const first = audit.locator("tbody tr").first();
    await expect(first).toContainText("operator");
    await expect(first).toContainText(cause);
    // Nothing has run since: every override is still waiting for its key's next attempt.
    await expect(first.getByTestId("audit-outcome-counts")).toContainText(`led to: ${n} pending`);
    journey.step("audit");
    expect(journey.count).toBeLessThanOrEqual(6);
    console.log(`[journey] ${journey.count} clicks, ${n} keys overridden`);

    // The incident has nothing recovered left to override.
    await page.goBack();
    await page.reload();
    await expect(page.getByTestId("override-recovered")).toContainText("Override the 0 keys", { timeout: 90_000 });

    // One more simulated night (what `npm run demo:advance` asks a running console for): the
    // overridden keys are due at once, and their data is back, so each is processed.
    const admin = await playwright.request.newContext({ baseURL, storageState: authFile("admin") });
    const advanced = await admin.post("/api/v1/demo/advance", { data: {}, headers: { origin: new URL(baseURL!).origin }, timeout: 180_000 });
    const answer = await advanced.text();
    await admin.dispose();
    // The original profile's Python processors run only inside its build (409): no next night there.
    if (advanced.status() === 409 && /original/i.test(answer)) {
      test.info().annotations.push({ type: "note", description: "original profile: no simulated next night, outcomes stay pending" });
      return;
    }
    expect(advanced.status(), answer).toBe(200);
    journey.step("one more night");
    await page.goto("/audit");
    const override = page.getByTestId("audit-table").locator("tbody tr").filter({ hasText: cause }).first();
    await expect(override).toBeVisible({ timeout: 30_000 });
    const outcomes = override.getByTestId("audit-outcome-counts");
    await expect(outcomes).toContainText(/led to: .*\d+ (processed|failed again|re-tripped)/);
    await expect(outcomes).not.toContainText("pending");
    console.log(`[journey] after the next night: ${(await outcomes.textContent())?.trim()}`);
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
