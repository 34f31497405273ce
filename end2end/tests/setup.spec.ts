// A new company's first start, on the second Vigil (empty database, no demo): the sign-in
// page says no login exists; the set-up page refuses a wrong link and bad fields, then
// creates the first administrator with the link from the log, signs them in, and closes.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { FRESH_HTTP_PORT, FRESH_LOG } from "../playwright.config";
import { closeOwnContexts, hydrated, hydrationErrors } from "./session";

closeOwnContexts();

const FRESH = `http://127.0.0.1:${FRESH_HTTP_PORT}`;

test("the first administrator is created on the set-up page with the link from the log", async ({ browser }) => {
  const page = await (await browser.newContext({ baseURL: FRESH, viewport: { width: 1366, height: 768 } })).newPage();
  const broken = hydrationErrors(page);
  await page.goto("/login");
  await hydrated(page);
  await expect(page.getByTestId("first-start")).toContainText("No login exists yet");

  const link = readFileSync(FRESH_LOG, "utf8").match(/\/setup\?token=([0-9a-f]{64})/);
  expect(link, "the log prints the set-up link").not.toBeNull();
  await page.goto("/setup?token=0000");
  await hydrated(page);
  const fill = async (password: string, again: string) => {
    await page.fill("#username", "ana.admin");
    await page.fill("#display_name", "Ana Admin");
    await page.fill("#password", password);
    await page.fill("#again", again);
    await page.click("button[type=submit]");
  };
  await fill("a long password", "a long password");
  await expect(page.getByTestId("setup-error")).toHaveText("This set-up link is not valid: open the one in the server's log.");

  await page.goto(link![0]);
  await hydrated(page);
  await fill("short", "short");
  await expect(page.locator(".field-error")).toHaveText(["At least 10 characters."]);
  await fill("a long password", "a long passw0rd");
  await expect(page.locator(".field-error")).toHaveText(["The two passwords differ."]);
  await fill("a long password", "a long password");
  await expect(page).toHaveURL(/\/admin$/);
  await hydrated(page);
  await expect(page.locator("header")).toContainText("Ana Admin");

  await page.goto(link![0]);
  await hydrated(page);
  await expect(page.getByTestId("setup-closed")).toContainText("Vigil is set up.");
  await page.goto("/login");
  await hydrated(page);
  await expect(page.getByTestId("first-start")).toHaveCount(0);
  expect(broken).toEqual([]);
});
