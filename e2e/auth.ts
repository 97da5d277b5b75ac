import { type Page, expect } from "@playwright/test";

/** Where each role's signed-in browser state is kept by auth.setup.ts. */
export const ROLES = ["viewer", "operator", "admin"] as const;
export type E2eRole = (typeof ROLES)[number];
export const authFile = (role: E2eRole) => `e2e/.auth/${role}.json`;

/**
 * Signs in with a demo account on the sign-in page the browser is on, through the real form,
 * and waits until the browser has left it.
 */
export async function signInOnPage(page: Page, role: E2eRole): Promise<void> {
  await page.getByLabel("Username").fill(role);
  await page.getByLabel("Password").fill(`${role}-demo`);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL((url) => !url.pathname.startsWith("/login"));
}
