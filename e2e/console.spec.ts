import { expect, test } from "@playwright/test";

test("the console opens with its navigation and a healthy warehouse", async ({ page, request }) => {
  const health = await request.get("/api/health");
  expect(health.status()).toBe(200);
  expect(await health.json()).toMatchObject({ status: "ok", warehouse: "embedded" });

  await page.goto("/");
  const nav = page.getByRole("navigation", { name: "Console" });
  for (const label of ["Overview", "Breakers", "Trends", "Entities", "Audit"]) {
    await expect(nav.getByRole("link", { name: label })).toBeVisible();
  }
  await expect(nav.getByRole("link", { name: "Overview" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByTestId("warehouse-status")).toContainText("Reachable");

  await nav.getByRole("link", { name: "Breakers" }).click();
  await expect(page).toHaveURL(/\/breakers$/);
  await expect(page.getByRole("heading", { level: 1, name: "Breakers" })).toBeVisible();
});
