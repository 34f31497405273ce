import { expect, test } from "@playwright/test";
import { DC09_PORT } from "../playwright.config";
import { cidFrame, send } from "./dc09";
import { hydrated, rpc, signIn } from "./session";


test("pages need a sign-in", async ({ page }) => {
  await page.goto("/operator");
  await expect(page).toHaveURL(/\/login$/);
});

test("a bad sign-in shows its message next to the field", async ({ page }) => {
  await page.goto("/login");
  await hydrated(page);
  await page.fill("#password", "whatever");
  await page.click("button[type=submit]");
  await expect(page.locator("#username ~ .field-error").first()).toHaveText("Enter your username.");
  await page.fill("#username", "operator");
  await page.fill("#password", "not the password");
  await page.click("button[type=submit]");
  await expect(page.getByRole("alert")).toHaveText("Wrong username or password.");
  await expect(page).toHaveURL(/\/login$/);
});

test("a customer is kept off the operator page", async ({ page }) => {
  await signIn(page, "customer");
  await expect(page).toHaveURL(/\/app$/);
  await page.goto("/operator");
  await expect(page).toHaveURL(/\/app$/);
});

test("a frame sent to the receiver appears on /operator within 2 s without a reload", async ({ page }) => {
  await signIn(page, "operator");
  await expect(page).toHaveURL(/\/operator$/);
  await hydrated(page);
  await expect(page.getByTestId("live")).toHaveText(/live/);
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

  const zone = String(900 + Math.floor(Math.random() * 99));
  const reply = await send(DC09_PORT, cidFrame(4321, "2001", `1130 01 ${zone}`));
  expect(reply).toContain('"ACK"4321');

  const row = page.locator(`tr[data-testid=signal-row][data-account="2001"]`).filter({ hasText: zone });
  await expect(row).toBeVisible({ timeout: 2000 });
  await expect(row).toContainText("Burglary");
  await expect(row).toContainText(/EET|EEST/);
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
});

test("a new alarm sounds on the operator's dashboard, by priority, unless this login muted it", async ({ page }) => {
  await signIn(page, "operator");
  await expect(page).toHaveURL(/\/operator$/);
  await hydrated(page);
  await expect(page.getByTestId("ops-live")).toHaveText(/live/);
  const count = async (name: string) => Number((await page.locator("body").getAttribute(name)) ?? 0);
  // Two sites with nothing open (earlier tests leave incidents open elsewhere).
  const snap = await rpc<{ incidents: { site_id: number }[]; sites: { id: number; kind?: string }[] }>(page, "/rpc/ops/snapshot");
  const busy = new Set(snap.incidents.map((i) => i.site_id));
  const [first, second] = snap.sites.map((s) => s.id).filter((id) => id <= 30 && !busy.has(id));
  const asked = await count("data-alarm-sounds");
  const played = await count("data-alarm-played");
  expect(await send(DC09_PORT, cidFrame(7101, String(2000 + first), "1120 01 001"))).toContain('"ACK"7101');
  await expect.poll(() => count("data-alarm-sounds"), { timeout: 3000 }).toBeGreaterThan(asked);
  await expect.poll(() => count("data-alarm-played"), { timeout: 3000 }).toBeGreaterThan(played);

  // Muted for this login, kept across a reload: the tone is asked for, not played.
  await page.getByTestId("sound-toggle").click();
  await expect(page.getByTestId("sound-toggle")).toHaveText(/Sound off/);
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("sound-toggle")).toHaveText(/Sound off/);
  await expect(page.getByTestId("ops-live")).toHaveText(/live/);
  const asked2 = await count("data-alarm-sounds");
  expect(await send(DC09_PORT, cidFrame(7102, String(2000 + second), "1120 01 002"))).toContain('"ACK"7102');
  await expect.poll(() => count("data-alarm-sounds"), { timeout: 3000 }).toBeGreaterThan(asked2);
  expect(await count("data-alarm-played")).toBe(0);
  await page.getByTestId("sound-toggle").click();
  await expect(page.getByTestId("sound-toggle")).toHaveText(/Sound on/);
});
