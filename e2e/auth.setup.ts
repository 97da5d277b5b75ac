import { expect, test as setup } from "@playwright/test";

import { ROLES, authFile } from "./auth";

/**
 * Sign in once per role through the real sign-in page, and keep each session for the specs
 * (`test.use({ storageState: authFile("operator") })`).
 */

for (const role of ROLES) {
  setup(`sign in as ${role}`, async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Username").fill(role);
    await page.getByLabel("Password").fill(`${role}-demo`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL((url) => !url.pathname.startsWith("/login"));
    await page.context().storageState({ path: authFile(role) });
  });
}
