import { expect, test } from "@playwright/test";

import { signInOnPage } from "./auth";

/**
 * The console is reached at whatever address people type: http://127.0.0.1:<port>,
 * http://localhost:<port>, the machine's name or the network address `next start` prints. This
 * suite's server runs without NEXTAUTH_URL (as `npm start` does), so sign-in must return to the
 * origin the browser used — next-auth alone would send it to http://localhost:3000, signed out.
 */
test.use({ storageState: { cookies: [], origins: [] } });

function originsOf(baseURL: string | undefined): string[] {
  const { port } = new URL(baseURL ?? "");
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

test("signs in at http://127.0.0.1:<port> and at http://localhost:<port>, each staying on its own origin", async ({ browser, baseURL }) => {
  for (const origin of originsOf(baseURL)) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/entities?q=lebronjames`);
    await expect(page).toHaveURL(`${origin}/login?callbackUrl=%2Fentities%3Fq%3Dlebronjames`);
    await signInOnPage(page, "viewer");
    await expect(page).toHaveURL(`${origin}/entities?q=lebronjames`);
    // Signed in on this origin: the page behind sign-in opened (the proxy sends anyone else to /login).
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    expect((await context.cookies(origin)).map((c) => c.name)).toContain("next-auth.session-token");
    await context.close();
  }
});

test("refuses a Host or X-Forwarded-Host the console does not answer to, so sign-in cannot be sent elsewhere", async ({ request }) => {
  const forged: Record<string, string>[] = [{ host: "rebind.attacker.example" }, { "x-forwarded-host": "evil.example" }];
  for (const headers of forged) {
    const csrf = await request.get("/api/auth/csrf", { headers });
    expect(csrf.status(), JSON.stringify(headers)).toBe(421);
    const providers = await request.get("/api/auth/providers", { headers });
    expect(providers.status(), JSON.stringify(headers)).toBe(421);
  }
  // The same requests on the console's own host are answered.
  expect((await request.get("/api/auth/csrf")).status()).toBe(200);
});

test("serves its icon to a signed-out browser: /favicon.ico and the icon the sign-in page links", async ({ page, request }) => {
  await page.goto("/login");
  const href = await page.locator("link[rel~='icon']").first().getAttribute("href");
  expect(href).toBeTruthy();
  for (const path of ["/favicon.ico", href ?? ""]) {
    const res = await request.get(path, { maxRedirects: 0 });
    expect(res.status(), path).toBe(200);
    expect(res.headers()["content-type"], path).toMatch(/^image\//);
  }
});
