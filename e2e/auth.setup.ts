import { test as setup } from "@playwright/test";

import { ROLES, authFile, signInOnPage } from "./auth";

/**
 * Sign in once per role through the real sign-in page, and keep each session for the specs
 * (`test.use({ storageState: authFile("operator") })`).
 */

for (const role of ROLES) {
  setup(`sign in as ${role}`, async ({ page }) => {
    await page.goto("/login");
    await signInOnPage(page, role);
    await page.context().storageState({ path: authFile(role) });
  });
}
