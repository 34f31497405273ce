// The customer app on a phone-sized Chromium against a real server: sign-in, live arming
// through the simulated panel's DC-09 report, an alarm pushed and cancelled, duress that
// looks like a normal disarm, other customers' sites refused everywhere, the installable,
// offline-capable shell, and the six languages.
import { expect, test, type Page } from "@playwright/test";
import { DC09_PORT } from "../playwright.config";
import { ANDREI, ELENA, SAFE_WORD, appSignIn, call, ok, phone, signInRequest } from "./app";
import { cidFrame, send } from "./dc09";
import { PushService } from "./push-service";
import { pwaProblems } from "./pwa-checks";
import { closeOwnContexts, hydrated, hydrationErrors, signIn } from "./session";

closeOwnContexts();

let seq = 5000;
/** Demo site n has account 2000 + n. */
async function frame(site: number, data: string) {
  const reply = await send(DC09_PORT, cidFrame(++seq, String(2000 + site), data));
  expect(reply).toContain('"ACK"');
}

const state = (page: Page) => page.getByTestId("arm-state");

test("sign in with customer ID and PIN, switch site, arm and disarm: the panel reports back and the state updates live", async ({ browser }) => {
  const page = await (await phone(browser)).newPage();
  const errors = hydrationErrors(page);
  await page.goto("/app");
  await hydrated(page);
  // A bad field gets its message next to it; a wrong PIN is refused.
  await page.getByTestId("code").fill("12");
  await page.getByTestId("pin").fill("12");
  await page.getByTestId("sign-in").click();
  await expect(page.locator("[data-field=code]")).toHaveText("The customer ID has 6 to 10 digits.");
  await expect(page.locator("[data-field=pin]")).toHaveText("The PIN has 4 to 8 digits.");
  await page.getByTestId("code").fill(ELENA.code);
  await page.getByTestId("pin").fill("9999");
  await page.getByTestId("sign-in").click();
  await expect(page.locator("[data-field=form]")).toHaveText("Wrong customer ID or PIN.");

  await appSignIn(page, ELENA);
  const select = page.getByTestId("site-select");
  await expect(select.locator("option")).toHaveText(["Dumitru residence", "Florărie Dumitru", "Matei residence"]);
  await select.selectOption("2");
  await expect(page.locator(".state-card")).toBeVisible();
  await page.getByRole("link", { name: "Hours" }).click();
  await expect(page.getByTestId("week").locator("tr")).toHaveCount(7);
  await page.getByRole("link", { name: "Home" }).click();
  await select.selectOption("1");

  // Arm: the command is queued, the simulated panel arms and reports over DC-09, and the
  // report (not the command) turns the state, pushed to the page without a reload.
  await page.getByTestId("cmd-arm").click();
  await expect(state(page)).toHaveAttribute("data-state", "armed", { timeout: 10_000 });
  await expect(state(page)).toContainText(`by ${ELENA.name}`);
  await page.getByTestId("cmd-disarm").click();
  await expect(state(page)).toHaveAttribute("data-state", "disarmed", { timeout: 10_000 });
  await expect(page.getByTestId("command")).toHaveAttribute("data-status", "done");

  // A disarm from the keypad (user 3) arrives live too.
  await frame(1, "3401 01 003");
  await expect(state(page)).toHaveAttribute("data-state", "armed", { timeout: 5_000 });
  await expect(state(page)).toContainText("by #3");

  await page.getByRole("link", { name: "Journal" }).click();
  await page.getByTestId("filter-arming").click();
  const lines = page.getByTestId("journal-line");
  await expect(lines.first()).toContainText("Armed · by #3");
  await expect(lines.nth(1)).toContainText(`Disarmed · by ${ELENA.name}`);
  await expect(lines.nth(2)).toContainText(`Armed · by ${ELENA.name}`);
  expect(errors).toEqual([]);
});

test("a burglary: the push goes out at once, VAPID-signed and encrypted; the customer cancels with the password; the operator sees it cancelled, no crew", async ({ browser }) => {
  const page = await (await phone(browser)).newPage();
  await appSignIn(page, ELENA);
  const push = await ok<{ vapid_key: string }>(page.request, "push", { site_id: 1 });
  const service = await PushService.start({ expectedVapidKey: push.vapid_key });
  try {
    // Headless Chromium cannot reach a vendor push service here, so the subscription comes
    // from the local push service, registered the way the app registers a browser's.
    const sub = service.subscribe("elena-phone");
    await ok(page.request, "subscribe", { endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth });

    const sent = Date.now();
    await frame(1, "1130 01 004");
    const message = await service.waitForMessage((m) => /burglary/i.test(m.text), 5_000);
    expect(message.at - sent, "push delay in ms").toBeLessThan(2_000);
    expect(message.vapid.k).toBe(push.vapid_key);
    expect(message.json.title).toMatch(/Dumitru residence/);

    const alarm = page.getByTestId("alarm");
    await expect(alarm).toHaveAttribute("data-category", "burglary", { timeout: 5_000 });
    const incident = await alarm.getAttribute("data-id");
    await page.getByTestId("cancel-password").fill("wrong");
    await page.getByTestId("cancel").click();
    await expect(page.getByTestId("cancel-result")).toHaveAttribute("data-result", "wrong_password");
    await page.getByTestId("cancel-password").fill(SAFE_WORD);
    await page.getByTestId("cancel").click();
    await expect(page.getByTestId("alarm")).toHaveCount(0, { timeout: 5_000 });
    // The message belongs to its site: another site's screen does not show it.
    await expect(page.getByTestId("cancel-result")).toHaveAttribute("data-result", "cancelled");
    await page.getByTestId("site-select").selectOption("2");
    await expect(page.getByTestId("arm-state")).toBeVisible();
    await expect(page.getByTestId("cancel-result")).toHaveCount(0);
    await page.getByTestId("site-select").selectOption("1");
    await expect(page.getByTestId("cancel-result")).toHaveAttribute("data-result", "cancelled");

    const operator = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    await signIn(operator, "operator", /\/operator$/);
    await operator.goto(`/operator/incidents/${incident}`);
    await hydrated(operator);
    await expect(operator.getByTestId("incident-status")).toHaveText("closed");
    const actions = await operator.getByTestId("journal").getByTestId("journal-line").evaluateAll((ls) => ls.map((l) => l.getAttribute("data-action")));
    expect(actions).toContain("closed");
    expect(actions).not.toContain("dispatched");
    await expect(operator.getByTestId("journal")).toContainText("cancelled");
    await expect(operator.getByTestId("crew-sent")).toHaveCount(0);
    // The cancel is announced too.
    await service.waitForMessage((m) => /cancel/i.test(m.text), 5_000);
  } finally {
    await service.close();
  }
});

test("duress disarm: the customer app shows a normal disarm while the operator queue shows duress", async ({ browser }) => {
  const page = await (await phone(browser)).newPage();
  await appSignIn(page, ELENA);
  const push = await ok<{ vapid_key: string }>(page.request, "push", { site_id: 1 });
  const service = await PushService.start({ expectedVapidKey: push.vapid_key });
  try {
    const sub = service.subscribe("elena-duress");
    await ok(page.request, "subscribe", { endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth });
    await frame(1, "3401 01 002");
    await expect(state(page)).toHaveAttribute("data-state", "armed", { timeout: 5_000 });
    // User 9 is the site's duress user: forced to disarm. The app names the person the code
    // stands for (user 1), never the duress number.
    await frame(1, "1401 01 009");
    await expect(state(page)).toHaveAttribute("data-state", "disarmed", { timeout: 5_000 });
    await expect(state(page)).toContainText("by #1");
    await expect(page.getByTestId("alarm")).toHaveCount(0);

    const operator = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    await signIn(operator, "operator", /\/operator$/);
    const duress = operator.locator("[data-testid=queue-row][data-site='1'][data-category=duress]");
    await expect(duress).toHaveCount(1, { timeout: 5_000 });
    await expect(duress.locator(".prio")).toHaveText("P0");

    // Nothing on the customer side says otherwise: the page, its journal, every answer.
    await page.getByRole("link", { name: "Journal" }).click();
    await expect(page.getByTestId("journal-line").first()).toContainText("Disarmed · by #1");
    const journal = await call(page.request, "journal", { site_id: 1, days: 10, filter: "all" });
    const home = await call(page.request, "home", { site_id: 1 });
    for (const text of [journal.text, home.text, await page.locator("body").innerText()]) {
      expect(text.toLowerCase()).not.toContain("duress");
      expect(text).not.toContain("#9");
    }
    expect(JSON.parse(home.text).alarms).toEqual([]);
    await page.waitForTimeout(1500);
    expect(service.messages.map((m) => m.text)).toEqual([]);
  } finally {
    await service.close();
  }
});

test("authorization: every customer server function and route refuses another customer's sites", async ({ playwright, baseURL }) => {
  const andrei = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL! } });
  await signInRequest(andrei, ANDREI);
  const elena = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL! } });
  await signInRequest(elena, ELENA);
  const elenasContact = (await ok<{ id: number }[]>(elena, "contacts", { site_id: 1 }))[0].id;
  const andreisContact = (await ok<{ id: number }[]>(andrei, "contacts", { site_id: 4 }))[0].id;

  const calls: [string, Record<string, string | number | boolean | undefined>][] = [
    ["home", {}],
    ["arm", { command: "disarm" }],
    ["cancel", { password: SAFE_WORD }],
    ["panic", { lat: 44.43, lon: 26.1 }],
    ["journal", { days: 10, filter: "all" }],
    ["contacts", {}],
    ["contact_save", { contact_id: elenasContact, name: "Mallory", phone: "+40 700 000 000" }],
    ["contact_move", { contact_id: elenasContact, up: false }],
    ["contact_away", { contact_id: elenasContact, from: "", until: "2099-01-01" }],
    ["schedule", {}],
    ["schedule_change", { date: "2099-01-01", open: "", close: "" }],
    ["test_mode", { minutes: 60 }],
    ["money", {}],
    ["request", { kind: "technician", details: "let me in", from: "", until: "" }],
    ["push", {}],
    ["push_set", { alarms: false, notices: false }],
  ];
  // Andrei's own site works (so a refusal below is about the site, not the call).
  for (const [name, args] of calls.filter(([n]) => !["panic", "cancel", "arm", "test_mode"].includes(n))) {
    const own = name.startsWith("contact_") ? { ...args, contact_id: andreisContact } : args;
    const r = await call(andrei, name, { site_id: 4, ...own });
    expect(r.status, `${name} on his own site: ${r.text}`).toBe(200);
  }
  for (const site of [...ELENA.owned, ELENA.contactAt, 999]) {
    for (const [name, args] of calls) {
      const r = await call(andrei, name, { site_id: site, ...args });
      expect(r.status, `${name} on site ${site}: ${r.text}`).toBe(404);
    }
  }
  // His own site id with Elena's contact id is refused too.
  for (const name of ["contact_save", "contact_move", "contact_away"]) {
    const [, args] = calls.find(([n]) => n === name)!;
    const r = await call(andrei, name, { site_id: 4, ...args });
    expect(r.status, `${name} with another site's contact`).toBe(404);
  }
  // The REST routes of a site.
  const rest: [string, string, unknown?][] = [
    ["GET", "status"],
    ["POST", "cancel", { password: SAFE_WORD }],
    ["POST", "panic", {}],
    ["POST", "test", { minutes: 5 }],
    ["DELETE", "test"],
    ["POST", "schedule-change", { date: "2099-01-01" }],
    ["GET", "billing"],
  ];
  for (const site of [...ELENA.owned, ELENA.contactAt]) {
    for (const [method, path, body] of rest) {
      const r = await andrei.fetch(`/api/v1/sites/${site}/${path}`, { method, data: body });
      expect(r.status(), `${method} /api/v1/sites/${site}/${path}`).toBe(404);
    }
  }
  expect((await andrei.fetch("/api/v1/sites/4/status")).status()).toBe(200);
  // A contact (not owner) may not use the owner's functions; staff streams are closed.
  for (const name of ["money", "test_mode", "request", "schedule_change", "contact_save"]) {
    const args = { site_id: ELENA.contactAt, minutes: 5, kind: "technician", details: "x", from: "", until: "", date: "2099-01-01", open: "", close: "", contact_id: 1, name: "x", phone: "+40 700 000 000" };
    const r = await call(elena, name, args);
    expect(r.status, `${name} as a contact: ${r.text}`).toBe(403);
  }
  expect((await andrei.get("/api/v1/ops/stream")).status()).toBe(403);
  expect((await andrei.post("/rpc/ops/snapshot")).status()).toBeGreaterThanOrEqual(401);
  await andrei.dispose();
  await elena.dispose();
});

test("PWA: manifest, icons and service worker pass installability checks; offline the shell opens with the last known state, marked stale", async ({ browser, request, baseURL }) => {
  expect(await pwaProblems(request, baseURL!, { page: "/app" })).toEqual([]);
  const context = await phone(browser);
  const page = await context.newPage();
  await appSignIn(page, ELENA);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  // Once the worker controls the page, a reload goes through it and fills its cache.
  await page.reload();
  await hydrated(page);
  await expect(state(page)).toBeVisible();
  expect(await page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  const known = await state(page).getAttribute("data-state");

  await context.setOffline(true);
  await page.reload();
  await hydrated(page);
  await expect(page.locator("[data-stale=true]")).toContainText("Offline — last known state from");
  await expect(state(page)).toHaveAttribute("data-state", known!);
  await context.setOffline(false);
  await context.close();
});

test("languages: the browser's language is used, and the customer can switch", async ({ browser }) => {
  const context = await phone(browser, "ro-RO");
  const page = await context.newPage();
  await page.goto("/app");
  await hydrated(page);
  await expect(page.locator("html")).toHaveAttribute("lang", "ro");
  const title = await page.locator("h1").innerText();
  expect(title).not.toBe("Sign in to your alarm");
  await page.getByTestId("lang-select").selectOption("fr");
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await expect(page.locator("h1")).not.toHaveText(title);
  const french = await page.locator("h1").innerText();
  await page.reload();
  await hydrated(page);
  await expect(page.locator("h1")).toHaveText(french);
  for (const lang of ["hu", "fi", "nb", "en"]) {
    await page.getByTestId("lang-select").selectOption(lang);
    await expect(page.locator("html")).toHaveAttribute("lang", lang);
  }
  await expect(page.locator("h1")).toHaveText("Sign in to your alarm");
  await context.close();
});

test("the owner edits contacts, marks one away, changes tomorrow's hours, runs test mode, and a request reaches the admin", async ({ browser }) => {
  const page = await (await phone(browser)).newPage();
  await appSignIn(page, ELENA);
  await page.getByRole("link", { name: "Contacts" }).click();
  const contacts = page.getByTestId("contact");
  await expect(contacts.first()).toBeVisible();
  const names = await contacts.locator(".contact-name").allInnerTexts();
  // Reorder: the first moves down.
  await contacts.first().getByTestId("down").click();
  await expect(contacts.nth(1).locator(".contact-name")).toHaveText(names[0]);
  await expect(contacts.first().locator(".contact-name")).toHaveText(names[1]);
  // Edit with a bad phone: the message is next to the field; then a good one.
  const second = contacts.nth(1);
  await second.getByTestId("edit").click();
  await second.getByTestId("contact-phone").fill("call me");
  await second.getByTestId("contact-save").click();
  await expect(second.locator("[data-field=phone]")).toHaveText(/Enter a phone number/);
  await second.getByTestId("contact-phone").fill("+40 721 555 010");
  await second.getByTestId("contact-save").click();
  await expect(contacts.nth(1)).toContainText("+40 721 555 010");
  // Away for a period in the future.
  await contacts.nth(1).getByTestId("away-toggle").click();
  await contacts.nth(1).getByTestId("away-from").fill("2099-07-01");
  await contacts.nth(1).getByTestId("away-until").fill("2099-07-14");
  await contacts.nth(1).getByTestId("away-save").click();
  await expect(contacts.nth(1).getByTestId("away")).toContainText("2099-07-01 – 2099-07-14");

  // Working late on a given day at the shop.
  await page.getByTestId("site-select").selectOption("2");
  await page.getByRole("link", { name: "Hours" }).click();
  await page.getByTestId("change-date").fill("2099-03-02");
  await page.getByTestId("change-open").fill("08:00");
  await page.getByTestId("change-close").fill("07:00");
  await page.getByTestId("change-save").click();
  await expect(page.locator("[data-field=close]")).toHaveText("Closing must be after opening.");
  await page.getByTestId("change-close").fill("22:30");
  await page.getByTestId("change-save").click();
  await expect(page.getByTestId("change")).toContainText("2099-03-02 08:00–22:30");

  // Test mode with a timer, then off by hand.
  await page.getByRole("link", { name: "More" }).click();
  await page.getByTestId("test-minutes").selectOption("30");
  await page.getByTestId("test-start").click();
  await expect(page.getByTestId("test-on")).toBeVisible();
  await page.getByRole("link", { name: "Home" }).click();
  await expect(page.getByTestId("test-badge")).toBeVisible();
  await page.getByRole("link", { name: "More" }).click();
  await page.getByTestId("test-end").click();
  await expect(page.getByTestId("test-start")).toBeVisible();

  // Money: the balance and the dispatch counter; a pause needs its dates.
  await expect(page.getByTestId("balance")).toContainText("189.00 RON");
  await expect(page.getByTestId("dispatches")).toContainText(/Crew dispatches in \d{4}/);
  await page.getByTestId("request-kind").selectOption("pause");
  await page.getByTestId("request-send").click();
  await expect(page.locator("[data-field=from]")).toHaveText("Pick a date.");
  await page.getByTestId("request-from").fill("2099-08-01");
  await page.getByTestId("request-until").fill("2099-08-20");
  await page.getByTestId("request-details").fill("Away for the summer");
  await page.getByTestId("request-send").click();
  await expect(page.getByTestId("request-sent")).toBeVisible();

  const admin = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  await signIn(admin, "admin", /\/operator$/);
  await admin.goto("/admin");
  await hydrated(admin);
  const request = admin.getByTestId("admin-request").filter({ hasText: "Away for the summer" });
  await expect(request).toContainText("pause (2099-08-01 – 2099-08-20)");
  await expect(request).toContainText(ELENA.name);
  await request.getByTestId("request-done").click();
  await expect(request).toHaveCount(0);
});

test("a person invited from the admin page chooses their PIN at the first sign-in, then sets a safe word", async ({ browser }) => {
  const admin = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  await signIn(admin, "admin", /\/operator$/);
  await admin.goto("/admin");
  await hydrated(admin);
  await admin.getByTestId("site-search").fill("2029");
  await admin.getByTestId("edit-site").first().click();
  const editor = admin.getByTestId("site-editor");
  await editor.getByTestId("invite-code").fill("12");
  await editor.getByTestId("invite-send").click();
  await expect(editor.locator("[data-field=username]")).toHaveText("A customer ID: 6 to 10 digits.");
  await expect(editor.locator("[data-field=display_name]")).toBeVisible();
  await editor.getByTestId("invite-code").fill("100904");
  await editor.getByTestId("invite-name").fill("Ioana Stan");
  await editor.getByTestId("invite-send").click();
  const notice = await editor.getByTestId("invited").innerText();
  const pin = notice.match(/first PIN (\d{6})/)![1];
  await expect(editor.locator("li[data-code='100904']")).toContainText("first PIN not changed yet");

  const page = await (await phone(browser)).newPage();
  const broken = hydrationErrors(page);
  await page.goto("/app");
  await hydrated(page);
  await page.getByTestId("code").fill("100904");
  await page.getByTestId("pin").fill(pin);
  await page.getByTestId("sign-in").click();
  const form = page.getByTestId("change-pin");
  await expect(form).toContainText("Choose your own before you go on.");
  await hydrated(page);
  await form.getByTestId("pin-current").fill(pin);
  await form.getByTestId("pin-new").fill("1111");
  await form.getByTestId("pin-again").fill("1111");
  await form.getByTestId("pin-save").click();
  await expect(form.locator("[data-field=pin]")).toHaveText("This PIN is too easy to guess.");
  await form.getByTestId("pin-new").fill("5093");
  await form.getByTestId("pin-again").fill("5093");
  await form.getByTestId("pin-save").click();
  await expect(page.getByTestId("arm-state")).toBeVisible({ timeout: 10_000 });
  await hydrated(page);

  // The owner sets the first contact's safe word; it is never shown again.
  await page.goto("/app/contacts");
  await hydrated(page);
  const first = page.getByTestId("contact").first();
  await first.getByTestId("edit").click();
  await first.getByTestId("safe-word-input").fill("abc");
  await first.getByTestId("safe-word-save").click();
  await expect(first.locator("[data-field=safe_word]")).toHaveText("A safe word has 4 to 64 characters.");
  await first.getByTestId("safe-word-input").fill("magnolia");
  await first.getByTestId("safe-word-save").click();
  await expect(first.getByTestId("safe-word-saved")).toBeVisible();
  await expect(first.getByTestId("safe-word-input")).toHaveValue("");
  await admin.reload();
  await hydrated(admin);
  await admin.getByTestId("site-search").fill("2029");
  await admin.getByTestId("edit-site").first().click();
  await expect(admin.locator("li[data-code='100904']")).not.toContainText("first PIN");

  // The billing system's invoices, imported from CSV (a bad row is reported, the rest kept),
  // reach the customer's balance; a later export marks the invoice paid.
  await admin.goto("/admin/import");
  await hydrated(admin);
  const invoices = [
    "account,number,issued_on,due_on,description,amount,currency,paid_on",
    "2029,F-2029-11,2026-11-01,2026-11-15,Monitoring November,120.50,RON,",
    "2029,F-2029-bad,1 Nov,2026-11-15,Monitoring,lots,RON,",
    "9999,F-9999-11,2026-11-01,2026-11-15,Monitoring,10,RON,",
  ].join("\n");
  await admin.getByTestId("invoices-file").setInputFiles({ name: "invoices.csv", mimeType: "text/csv", buffer: Buffer.from(invoices) });
  await expect(admin.getByTestId("invoices-progress")).toContainText("3 of 3 rows · 1 imported · 2 with errors");
  await expect(admin.getByTestId("invoices-errors")).toContainText("issued_on: a date YYYY-MM-DD");
  await expect(admin.getByTestId("invoices-errors")).toContainText("account: no account 9999");
  await page.goto("/app/more");
  await hydrated(page);
  await expect(page.getByTestId("invoice").filter({ hasText: "F-2029-11" })).toBeVisible();
  await expect(page.getByTestId("balance")).toContainText("120.50");
  expect(broken).toEqual([]);
});
