// Screenshots of every screen of the customer app (/app) on a phone, in English and Romanian:
// docs/screenshots/app-<screen>-<lang>.png. Elena (the demo customer) signs in, arms her home,
// gets a burglary alarm over DC-09, and visits each tab; the shop's opening hours show on the
// schedule screen.
// Run: cd end2end && VIGIL_BIN=/path/to/vigil VIGIL_SITE=/path/to/site npx playwright test -c shots/shots.config.ts
// (without the variables it uses ../target/debug/vigil and ../target/site). Needs Debian's
// fonts-noto-color-emoji (else the state icons are empty boxes) and chromium-l10n (else the
// date and time inputs are American). Overwrites the PNGs; not part of the test run.
import { chromium, expect, test, type Page } from "@playwright/test";
import { join } from "node:path";
import { ELENA, SAFE_WORD, phone } from "../tests/app";
import { cidFrame, send } from "../tests/dc09";
import { hydrated } from "../tests/session";
import { DC09_PORT } from "./shots.config";

const LANGS = [
  { lang: "en", locale: "en-GB", loading: "Loading…" },
  { lang: "ro", locale: "ro-RO", loading: "Se încarcă…" },
];

let seq = 7000;

const file = (screen: string, lang: string) => join(__dirname, "../../docs/screenshots", `app-${screen}-${lang}.png`);

/** Waits until the screen shown has its data: no loading line, the live dot on, fonts in. */
async function loaded(page: Page, loading: string) {
  await expect(page.locator(".app-main .screen")).toBeVisible();
  await page.waitForFunction((text) => {
    const root = document.querySelector(".app-root");
    if (!root) return false;
    return ![...root.querySelectorAll("p")].some((p) => p.textContent?.trim() === text);
  }, loading);
  await expect(page.locator(".app-bar .dot.live")).toHaveCount(1);
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(500);
}

/** A full-page shot. The viewport is stretched to the page's height first: a plain
 *  `fullPage` shot of a mobile context leaves the fixed tab bar halfway down a long page. */
async function shot(page: Page, screen: string, lang: string) {
  const viewport = page.viewportSize()!;
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  if (height > viewport.height) {
    await page.setViewportSize({ width: viewport.width, height });
    await page.waitForTimeout(300);
  }
  await page.screenshot({ path: file(screen, lang), fullPage: true, animations: "disabled", caret: "hide" });
  await page.setViewportSize(viewport);
}

async function tab(page: Page, href: string, loading: string) {
  await page.locator(`nav.tabs a[href="${href}"]`).click();
  await expect(page).toHaveURL(new RegExp(`${href.replace(/\//g, "\\/")}$`));
  await loaded(page, loading);
}

for (const { lang, locale, loading } of LANGS) {
  test(`customer app screenshots: ${lang}`, async ({ launchOptions }) => {
    // A browser of its own in the language: native date and time inputs follow the
    // browser's UI language, not the page's locale. On Linux that comes from LANGUAGE (not
    // --lang) and needs Chromium's locale files (Debian: chromium-l10n); without them the
    // inputs show US dates and 12-hour times.
    const browser = await chromium.launch({ ...launchOptions, env: { ...process.env, LANGUAGE: locale.replace("-", "_") } });
    const context = await phone(browser, locale);
    const page = await context.newPage();
    await page.goto("/app");
    await hydrated(page);
    await expect(page.locator("html")).toHaveAttribute("lang", lang);
    await expect(page.getByTestId("sign-in")).toBeVisible();
    await page.evaluate(() => document.fonts.ready);
    await page.waitForTimeout(300);
    await shot(page, "signin", lang);

    await page.getByTestId("code").fill(ELENA.code);
    await page.getByTestId("pin").fill(ELENA.pin);
    await page.getByTestId("sign-in").click();
    const state = page.getByTestId("arm-state");
    await expect(state).toBeVisible({ timeout: 10_000 });
    await hydrated(page);
    const select = page.getByTestId("site-select");
    await select.selectOption("1");
    await loaded(page, loading);

    // Armed by the app: the simulated panel reports back over DC-09 within a second or two.
    if ((await state.getAttribute("data-state")) !== "armed") {
      await page.getByTestId("cmd-arm").click();
      await expect(state).toHaveAttribute("data-state", "armed", { timeout: 15_000 });
    }
    // A burglary at the home (site 1, account 2001), zone 4.
    const reply = await send(DC09_PORT, cidFrame(++seq, "2001", "1130 01 004"));
    expect(reply).toContain('"ACK"');
    await expect(page.getByTestId("alarm")).toBeVisible({ timeout: 10_000 });
    await loaded(page, loading);
    await shot(page, "home", lang);

    await tab(page, "/app/journal", loading);
    await expect(page.getByTestId("journal-line").first()).toBeVisible();
    await shot(page, "journal", lang);

    await tab(page, "/app/contacts", loading);
    await expect(page.getByTestId("contact").first()).toBeVisible();
    await shot(page, "contacts", lang);

    // The shop (site 2) has opening hours.
    await tab(page, "/app/schedule", loading);
    await select.selectOption("2");
    await expect(page.getByTestId("week")).toBeVisible();
    await loaded(page, loading);
    await shot(page, "schedule", lang);
    await select.selectOption("1");

    await tab(page, "/app/more", loading);
    await expect(page.getByTestId("money")).toBeVisible();
    await loaded(page, loading);
    await shot(page, "more", lang);

    // The alarm cancelled with the password.
    await tab(page, "/app", loading);
    await page.getByTestId("cancel-password").fill(SAFE_WORD);
    await page.getByTestId("cancel").click();
    await expect(page.getByTestId("cancel-result")).toHaveAttribute("data-result", "cancelled");
    await expect(page.getByTestId("alarm")).toHaveCount(0);
    await loaded(page, loading);
    await shot(page, "home-cancelled", lang);

    // Back to disarmed, so the next language starts from the same state.
    await page.getByTestId("cmd-disarm").click();
    await expect(state).toHaveAttribute("data-state", "disarmed", { timeout: 15_000 });
    await context.close();
    await browser.close();
  });
}
