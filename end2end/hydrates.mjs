// Loads a page in headless Chromium and waits until the wasm app has hydrated it
// (body[data-hydrated=true]); exits non-zero otherwise (scripts/package-deb.sh --check).
import { chromium } from "@playwright/test";

const url = process.argv[2];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu"],
});
const errors = [];
try {
  const page = await browser.newPage();
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector("body[data-hydrated=true]", { timeout: 20_000 });
  console.log(`hydrated: ${url}`);
} catch (e) {
  console.error(`${url} did not hydrate: ${e}\n${errors.join("\n")}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
