// The customer app over HTTPS served by Vigil itself (--tls-cert, with a certificate made for
// this test by openssl): the page is a secure context on https, the service worker registers
// and controls it, the session cookie is __Host- and Secure, and switching notifications on
// in the app subscribes the browser and registers the subscription with Vigil, which then
// pushes an alarm to it. Headless Chromium here cannot reach a browser maker's push service,
// so only PushManager.subscribe is replaced: it answers with a subscription at the local
// push service (tests/push-service.ts); the app's code, the server and the push are real.
import { chromium, expect, test, type Browser } from "@playwright/test";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DC09_PORT, HTTP_PORT, VIGIL } from "../playwright.config";
import { ELENA, appSignIn } from "./app";
import { cidFrame, send } from "./dc09";
import { PushService } from "./push-service";
import { hydrated } from "./session";

const PORT = HTTP_PORT + 7;
const DC09 = DC09_PORT + 7;
const BASE = `https://127.0.0.1:${PORT}`;

let vigil: ChildProcess;
let browser: Browser;
let service: PushService;

test.beforeAll(async ({ playwright }) => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-https-"));
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
    "-keyout", key, "-out", cert,
  ], { stdio: "ignore" });
  vigil = spawn(VIGIL, [
    "serve", "--demo", "--demo-sites", "5", "--demo-stories", "false", "--push-any-endpoint",
    "--tls-cert", cert, "--tls-key", key,
    "--http", `127.0.0.1:${PORT}`, "--dc09", `127.0.0.1:${DC09}`,
    "--database", `sqlite://${join(dir, "vigil.db")}`, "--site-root", "../target/site",
  ], { stdio: "ignore" });
  const probe = await playwright.request.newContext({ ignoreHTTPSErrors: true });
  await expect.poll(async () => (await probe.get(`${BASE}/readyz`).catch(() => null))?.status(), { timeout: 30_000 }).toBe(200);
  await probe.dispose();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--ignore-certificate-errors"],
  });
  service = await PushService.start();
});

test.afterAll(async () => {
  await browser?.close();
  await service?.close();
  vigil?.kill("SIGTERM");
});

test("over HTTPS the app is a secure context, its service worker runs, and notifications subscribe and receive a push", async () => {
  const context = await browser.newContext({
    baseURL: BASE,
    ignoreHTTPSErrors: true,
    viewport: { width: 412, height: 915 },
    isMobile: true,
    hasTouch: true,
    locale: "en-GB",
  });
  try {
    await context.grantPermissions(["notifications"], { origin: BASE });
    const sub = service.subscribe("elena-https");
    await context.addInitScript((s) => {
      const made = { endpoint: s.endpoint, expirationTime: null, keys: s.keys, toJSON: () => ({ endpoint: s.endpoint, expirationTime: null, keys: s.keys }) };
      PushManager.prototype.subscribe = () => Promise.resolve(made as unknown as PushSubscription);
      PushManager.prototype.getSubscription = () => Promise.resolve(null);
    }, sub);
    const page = await context.newPage();
    await appSignIn(page, ELENA);
    expect(await page.evaluate(() => [location.protocol, window.isSecureContext])).toEqual(["https:", true]);
    const cookies = await context.cookies(BASE);
    expect(cookies.find((c) => c.name === "__Host-vigil_session")?.secure).toBe(true);

    const scope = await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.scope));
    expect(scope).toBe(`${BASE}/`);
    await page.reload();
    await hydrated(page);
    expect(await page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);

    await page.goto("/app/more");
    await hydrated(page);
    await expect(page.getByTestId("push-devices")).toContainText("0");
    await page.getByTestId("push-enable").click();
    await expect(page.getByTestId("push-devices")).toContainText("1");

    // An alarm at Elena's site 1 (account 2001) reaches the subscription.
    const reply = await send(DC09, cidFrame(7001, "2001", "1130 01 003"));
    expect(reply).toContain('"ACK"');
    const message = await service.waitForMessage((m) => m.path === "/push/elena-https" && /burglary/i.test(m.text), 10_000);
    expect(message.headers["content-encoding"]).toBe("aes128gcm");
  } finally {
    await context.close();
  }
});
