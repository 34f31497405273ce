// The customer app in the browser tests: phone contexts, signing in with the customer ID
// and PIN, and calling the app's server functions (form-encoded, fixed names under /rpc/app).
import { expect, type APIRequestContext, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { hydrated, ORIGIN } from "./session";

/** The demo customers (server/src/demo/mod.rs). Elena owns sites 1 and 2 and is a contact
 *  at site 3; Andrei owns site 4. */
export const ELENA = { code: "100001", pin: "2580", name: "Elena Dumitru", owned: [1, 2], contactAt: 3 };
export const ANDREI = { code: "100002", pin: "7391", name: "Andrei Vasile", owned: [4] };
/** Every demo contact's password (safe word) for cancelling an alarm. */
export const SAFE_WORD = "trandafir";

/** A phone-sized browser context (Pixel 7 size, touch, mobile). */
export async function phone(browser: Browser, locale = "en-GB"): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: 412, height: 915 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale,
  });
}

/** Signs in on the app's own sign-in screen and waits for the home screen. */
export async function appSignIn(page: Page, who: { code: string; pin: string }) {
  await page.goto("/app");
  await hydrated(page);
  await page.getByTestId("code").fill(who.code);
  await page.getByTestId("pin").fill(who.pin);
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("arm-state")).toBeVisible({ timeout: 10_000 });
  await hydrated(page);
}

/** Form-encodes a server function's arguments (`undefined` leaves an argument out: None). */
function form(args: Record<string, string | number | boolean | undefined>): string {
  return Object.entries(args)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join("&");
}

/** Calls `/rpc/app/<name>` with the request context's session; returns status and body. */
export async function call(request: APIRequestContext, name: string, args: Record<string, string | number | boolean | undefined> = {}) {
  const res = await request.post(`/rpc/app/${name}`, {
    headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN },
    data: form(args),
  });
  return { status: res.status(), text: await res.text() };
}

/** Like [`call`], expecting success; parses the JSON answer. */
export async function ok<T>(request: APIRequestContext, name: string, args: Record<string, string | number | boolean | undefined> = {}): Promise<T> {
  const r = await call(request, name, args);
  expect(r.status, `${name}: ${r.text}`).toBe(200);
  return JSON.parse(r.text) as T;
}

/** Signs a request context in through the sign-in server function. */
export async function signInRequest(request: APIRequestContext, who: { code: string; pin: string }) {
  const errors = await ok<[string, string][]>(request, "sign_in", { code: who.code, pin: who.pin });
  expect(errors).toEqual([]);
}
