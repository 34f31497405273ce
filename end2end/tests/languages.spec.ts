// Every staff page in each of Vigil's six languages: drawn by the server in the language of
// the browser's cookie, hydrated in the same one (no mismatch), with the texts of
// app/locales/<language>/*.json; and a login's own language, chosen in the header, kept.
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { ORIGIN, closeOwnContexts, hydrated, hydrationErrors, rpc, signIn } from "./session";

closeOwnContexts();

const LANGS = ["en", "ro", "hu", "fi", "nb", "fr"] as const;

/** A text of app/locales/<lang>/<namespace>.json at a dotted key. */
function text(lang: string, namespace: string, key: string): string {
  const json = JSON.parse(readFileSync(`${__dirname}/../../app/locales/${lang}/${namespace}.json`, "utf8"));
  const value = key.split(".").reduce((node, k) => node?.[k], json);
  if (typeof value !== "string") throw new Error(`${lang}/${namespace}.json has no ${key}`);
  return value;
}

/** The page is in `lang`: `<html lang>`, the header's sign-out, and one text of the page. */
async function inLanguage(page: Page, lang: string, title: [string, string]) {
  await hydrated(page);
  await expect(page.locator("html")).toHaveAttribute("lang", lang);
  await expect(page.locator("header.topbar button.link")).toHaveText(text(lang, "staff", "header.sign_out"));
  await expect(page.locator("header.topbar .title")).toHaveText(text(lang, ...title));
}

test("every staff page renders in each of the six languages, hydrates without a mismatch", async ({ browser }) => {
  test.setTimeout(120_000);
  for (const lang of LANGS) {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    await context.addCookies([{ name: "vigil_lang", value: lang, url: ORIGIN }]);
    const page = await context.newPage();
    const broken = hydrationErrors(page);
    await signIn(page, "admin", /\/operator$/);
    await inLanguage(page, lang, ["staff", "ops.title"]);
    await expect(page.locator(".ops-queue h2")).toContainText(text(lang, "staff", "ops.queue").trim());
    const snap = await rpc<{ incidents: { id: number }[] }>(page, "/rpc/ops/snapshot");
    if (snap.incidents.length > 0) {
      await page.goto(`/operator/incidents/${snap.incidents[0].id}`);
      await inLanguage(page, lang, ["staff", "inc.title"]);
      await expect(page.getByTestId("plan").locator("h2").first()).toHaveText(text(lang, "staff", "inc.plan"));
    }
    await page.goto("/supervisor");
    await inLanguage(page, lang, ["staff", "sup.title"]);
    for (const path of ["/admin", "/admin/users", "/admin/crews", "/admin/import", "/admin/audit", "/admin/history", "/admin/plans"]) {
      await page.goto(path);
      await inLanguage(page, lang, ["admin", "nav.title"]);
    }
    await page.goto("/admin/monthly");
    await hydrated(page);
    await expect(page.locator("html")).toHaveAttribute("lang", lang);
    expect(broken, `${lang}: hydration`).toEqual([]);
    await context.close();
  }
});

test("a login's language is chosen in the header, kept with the login and brought to another browser", async ({ browser }) => {
  const first = await browser.newContext();
  const page = await first.newPage();
  await signIn(page, "supervisor", /\/operator$/);
  await inLanguage(page, "en", ["staff", "ops.title"]);
  await Promise.all([page.waitForEvent("load"), page.getByTestId("staff-lang").selectOption("fi")]);
  await inLanguage(page, "fi", ["staff", "ops.title"]);

  // A new browser, no cookie: signing in brings Finnish along.
  const second = await browser.newContext();
  const other = await second.newPage();
  await signIn(other, "supervisor", /\/operator$/);
  await inLanguage(other, "fi", ["staff", "ops.title"]);
  await expect(other.getByTestId("staff-lang")).toHaveValue("fi");

  // Back to English for the other tests.
  await Promise.all([other.waitForEvent("load"), other.getByTestId("staff-lang").selectOption("en")]);
  await inLanguage(other, "en", ["staff", "ops.title"]);
  await first.close();
  await second.close();
});
