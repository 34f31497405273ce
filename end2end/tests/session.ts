// Signing in as the demo users listed on the sign-in page, and waiting for hydration.
import { expect, test, type Page } from "@playwright/test";

/** Waits until the wasm app has hydrated the page (clicks work from then on). */
export async function hydrated(page: Page) {
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
}

/** The demo login of a role, read from the sign-in page. */
export async function demoLogin(page: Page, role: string) {
  await page.goto("/login");
  await hydrated(page);
  const row = page.locator(`[data-testid=demo-logins] tr[data-role=${role}] td`);
  return { username: (await row.nth(1).innerText()).trim(), password: (await row.nth(2).innerText()).trim() };
}

/** Signs in as the demo user of `role` and waits for the role's home page. */
export async function signIn(page: Page, role: string, home?: RegExp) {
  const { username, password } = await demoLogin(page, role);
  await page.fill("#username", username);
  await page.fill("#password", password);
  await page.click("button[type=submit]");
  if (home) {
    await expect(page).toHaveURL(home);
    await hydrated(page);
  }
}

/** Calls a server function (JSON in and out) with the page's session. */
export async function rpc<T>(page: Page, path: string, body?: unknown): Promise<T> {
  const res = body === undefined
    ? await page.request.post(path, { headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN }, data: "" })
    : await page.request.post(path, { headers: { "content-type": "application/json", origin: ORIGIN }, data: JSON.stringify(body) });
  expect(res.ok(), `${path}: ${res.status()} ${await res.text()}`).toBeTruthy();
  return (await res.json()) as T;
}

/** Vigil's own origin: unsafe requests made outside a page (the request fixtures) must carry
 *  it, as browsers do, or Vigil refuses them as cross-site. */
export const ORIGIN = `http://127.0.0.1:${Number(process.env.VIGIL_E2E_HTTP_PORT ?? 3130)}`;

/** Collects hydration errors the page logs (a mismatch leaves the page dead to clicks), and
 *  anything the Content Security Policy blocked (a blocked script would do the same). */
export function hydrationErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    const problem = m.type() === "error" ? /hydrat|Content Security Policy|panicked/i : m.type() === "warning" ? /leptos|reactive|tracking context|disposed/i : null;
    if (problem && problem.test(m.text())) errors.push(m.text().slice(0, 300));
  });
  return errors;
}

/**
 * Closes, after each test of the calling file, the browser contexts the test opened itself.
 * Left open, their pages (live streams, maps, a crew phone's geolocation) keep loading the
 * server and the browser through every later test.
 */
export function closeOwnContexts() {
  test.afterEach(async ({ browser, context }) => {
    await Promise.all(browser.contexts().filter((c) => c !== context).map((c) => c.close()));
  });
}
