// A new company's first start, on the second Vigil (empty database, no demo): the sign-in
// page says no login exists; the set-up page refuses a wrong link and bad fields, then
// creates the first administrator with the link from the log, signs them in, and closes.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { FRESH_DB, FRESH_DC09_PORT, FRESH_HTTP_PORT, FRESH_LOG, VIGIL } from "../playwright.config";
import { encryptedCidFrame, send } from "./dc09";
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

// The whole path on the empty Vigil: the first admin from the command line, a site set
// up in the pages only, a customer who chooses their PIN, a crew with its guard; a burglary
// from the panel (AES) sounds on the queue; the customer cancels with the safe word; the report
// and the audit journal show it all, and the audit's CSV opens with those rows.
test("from an empty database to a cancelled alarm, without the demo and without JSON", async ({ browser }) => {
  test.setTimeout(150_000);
  const made = spawnSync(VIGIL, ["user", "add", "bogdan.cli", "--role", "admin", "--name", "Bogdan Admin", "--database", `sqlite://${FRESH_DB}`], { input: "a long cli password\n", encoding: "utf8" });
  expect(made.status, made.stderr + made.stdout).toBe(0);
  const admin = await (await browser.newContext({ baseURL: FRESH, viewport: { width: 1366, height: 768 } })).newPage();
  const broken = hydrationErrors(admin);
  await admin.goto("/login");
  await hydrated(admin);
  await admin.fill("#username", "bogdan.cli");
  await admin.fill("#password", "a long cli password");
  await admin.click("button[type=submit]");
  await expect(admin).toHaveURL(/\/operator$/);

  // A site on the map.
  await admin.goto("/admin");
  await hydrated(admin);
  await admin.getByTestId("new-site").click();
  const form = admin.getByTestId("site-details");
  await form.getByTestId("site-name").fill("Farmacia Nouă");
  await form.getByTestId("site-address").fill("Strada Lipscani 20");
  await form.getByTestId("site-city").fill("București");
  await form.getByTestId("site-pick").click();
  await expect(form.getByTestId("pick-map")).toHaveClass(/leaflet-container/);
  await form.getByTestId("pick-map").click({ position: { x: 220, y: 140 } });
  await expect(form.getByTestId("site-lat")).toHaveValue(/\d+\.\d{6}/);
  await form.getByTestId("site-save").click();
  const editor = admin.getByTestId("site-editor");
  await expect(editor.locator("h2").first()).toContainText("Farmacia Nouă");

  // Its panel account with its key, two zones, two contacts with a safe word.
  const account = editor.getByTestId("add-account");
  await account.getByTestId("add-account-open").click();
  await account.getByTestId("account-number").fill("7E01");
  await account.getByTestId("key-format").selectOption("text");
  await account.getByTestId("account-key").fill("fedcba9876543210");
  await account.getByTestId("account-add").click();
  await expect(editor.locator("li[data-number='7E01']").getByTestId("account-key-label")).toHaveText("AES-128");
  for (const [n, name] of [["1", "Ușa din față"], ["3", "PIR sală"]]) {
    await editor.getByTestId("zone-number").fill(n);
    await editor.getByTestId("zone-name").fill(name);
    await editor.getByTestId("add-zone").click();
    await expect(editor.locator(`li[data-zone='00${n}']`)).toBeVisible();
  }
  for (const [name, phone] of [["Maria Nouă", "+40 722 300 100"], ["Petru Nou", "+40 722 300 200"]]) {
    const add = editor.getByTestId("add-contact");
    await add.getByTestId("add-contact-open").click();
    await add.getByTestId("contact-name").fill(name);
    await add.getByTestId("contact-phone").fill(phone);
    await add.getByTestId("contact-save").click();
    await expect(editor.getByTestId("admin-contact").filter({ hasText: name })).toBeVisible();
  }
  for (const contact of await editor.getByTestId("admin-contact").all()) {
    await contact.getByTestId("safe-word-input").fill("liliac");
    await contact.getByTestId("safe-word-save").click();
    await expect(contact.getByTestId("safe-word-state")).toHaveText("Safe word on file");
  }

  // Opening hours past midnight, and the owner's app login.
  await editor.getByTestId("site-hours-box-open").click();
  const friday = editor.locator("table.hours tr[data-day='4']");
  await friday.getByTestId("hours-open").fill("18:00");
  await friday.getByTestId("hours-close").fill("02:00");
  await editor.getByTestId("hours-supervised").check();
  await editor.getByTestId("hours-save").click();
  await expect(editor.getByTestId("hours-saved")).toBeVisible();
  await editor.getByTestId("invite-code").fill("100500");
  await editor.getByTestId("invite-name").fill("Maria Nouă");
  await editor.getByTestId("invite-send").click();
  const pin = (await editor.getByTestId("invited").innerText()).match(/first PIN (\d{6})/)![1];

  // A crew with its guard.
  await admin.goto("/admin/users");
  await hydrated(admin);
  const user = admin.getByTestId("new-user");
  await user.getByTestId("new-username").fill("radu.guard");
  await user.getByTestId("new-name").fill("Radu Paznic");
  await user.getByTestId("new-password").fill("a long guard password");
  await user.getByTestId("new-role").selectOption("crew");
  await user.getByTestId("create-user").click();
  await expect(user.getByTestId("user-created")).toBeVisible();
  await admin.goto("/admin/crews");
  await hydrated(admin);
  const crew = admin.getByTestId("new-crew");
  await crew.getByTestId("crew-name").fill("Echipaj Unu");
  await crew.getByTestId("crew-lat").fill("44.44");
  await crew.getByTestId("crew-lon").fill("26.10");
  await crew.getByTestId("crew-save").click();
  const row = admin.locator("tr[data-crew='Echipaj Unu']");
  await row.getByTestId("crew-guard").selectOption("radu.guard");
  await expect(row.getByTestId("guard-done")).toHaveText("Saved.");

  // The customer signs in with the first PIN and chooses their own.
  const customer = await (await browser.newContext({ baseURL: FRESH, viewport: { width: 412, height: 915 }, isMobile: true, hasTouch: true })).newPage();
  await customer.goto("/app");
  await hydrated(customer);
  await customer.getByTestId("code").fill("100500");
  await customer.getByTestId("pin").fill(pin);
  await customer.getByTestId("sign-in").click();
  await expect(customer.getByTestId("change-pin")).toBeVisible();
  await hydrated(customer);
  await customer.getByTestId("pin-current").fill(pin);
  await customer.getByTestId("pin-new").fill("5093");
  await customer.getByTestId("pin-again").fill("5093");
  await customer.getByTestId("pin-save").click();
  await expect(customer.getByTestId("arm-state")).toBeVisible({ timeout: 10_000 });
  await hydrated(customer);

  // A burglary from the panel, encrypted with its key: on the queue, with the tone.
  await admin.goto("/operator");
  await hydrated(admin);
  await expect(admin.getByTestId("ops-live")).toHaveText(/live/);
  // The dashboard's first snapshot is in (a snapshot answered after a pushed incident would
  // replace the queue with the older list: noted, not fixed here).
  await expect(admin.locator(".ops-queue p.empty")).toHaveText("No open incidents.");
  const reply = await send(FRESH_DC09_PORT, encryptedCidFrame(1, "7E01", "1130 01 003", "fedcba9876543210"));
  expect(reply).toContain('"*ACK"0001');
  const card = admin.getByTestId("queue").locator("li", { hasText: "Farmacia Nouă" }).first();
  await expect(card).toBeVisible({ timeout: 3000 });
  await expect.poll(async () => Number((await admin.locator("body").getAttribute("data-alarm-played")) ?? 0), { timeout: 3000 }).toBeGreaterThan(0);

  // The customer cancels with the safe word.
  await customer.reload();
  await hydrated(customer);
  await customer.getByTestId("cancel-password").fill("liliac");
  await customer.getByTestId("cancel").click();
  await expect(customer.getByTestId("cancel-result")).toHaveAttribute("data-result", "cancelled");

  // The report shows every step with who and when.
  await admin.goto("/admin/history");
  await hydrated(admin);
  await admin.getByTestId("history-account").fill("7E01");
  await admin.getByTestId("history-search").click();
  const line = admin.getByTestId("history-line").first();
  await expect(line).toContainText("Cancelled by the customer");
  await line.getByRole("link", { name: "Report" }).click();
  await hydrated(admin);
  const journal = admin.getByTestId("report-journal");
  for (const action of ["opened", "cancel_window", "closed"]) {
    await expect(journal.locator(`tr[data-action=${action}]`).first()).toContainText(/\d{4}-\d\d-\d\d \d\d:\d\d/);
  }
  await expect(admin.getByTestId("report-signals")).toContainText("PIR sală");

  // The audit journal holds every change made above, and its CSV opens with those rows.
  await admin.goto("/admin/audit");
  await hydrated(admin);
  const audit = admin.getByTestId("audit-lines");
  const wanted = ["user.created", "site.created", "account.create", "site.zone_added", "contact.added", "contact.safe_word", "site.hours", "site.member_added", "crew.created", "crew.guard", "app.pin_changed"];
  for (const action of wanted) {
    await expect(audit.locator(`tr[data-action='${action}']`).first(), action).toBeVisible();
  }
  const [csv] = await Promise.all([admin.waitForEvent("download"), admin.getByTestId("audit-export").click()]);
  const text = readFileSync(await csv.path(), "utf8");
  for (const action of wanted) expect(text, action).toContain(`,${action},`);
  expect(text).not.toContain("liliac");
  expect(text).not.toContain("fedcba9876543210");
  expect(broken).toEqual([]);
});
