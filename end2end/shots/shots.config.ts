// The customer app's screenshots (docs/screenshots/app-<screen>-<lang>.png): a Vigil with
// 30 demo sites on its own ports and a fresh database, shot in Debian's Chromium.
// Run: cd end2end && npx playwright test -c shots/shots.config.ts (VIGIL_BIN and VIGIL_SITE
// point at another build). Not part of the test run.
import { defineConfig } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const HTTP_PORT = Number(process.env.VIGIL_SHOTS_HTTP_PORT ?? 3150);
export const DC09_PORT = Number(process.env.VIGIL_SHOTS_DC09_PORT ?? 7150);
const vigil = process.env.VIGIL_BIN ?? "../../target/debug/vigil";
const site = process.env.VIGIL_SITE ?? "../../target/site";
const database = `sqlite://${join(mkdtempSync(join(tmpdir(), "vigil-shots-")), "vigil.db")}`;

export default defineConfig({
  testDir: ".",
  testMatch: /.*\.shots\.ts/,
  timeout: 120_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${HTTP_PORT}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  webServer: {
    command:
      `${vigil} serve --demo --demo-sites 30 --demo-mean-interval 60 --demo-stories false ` +
      `--http 127.0.0.1:${HTTP_PORT} --dc09 127.0.0.1:${DC09_PORT} ` +
      `--database ${database} --site-root ${site}`,
    url: `http://127.0.0.1:${HTTP_PORT}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "ignore",
    stderr: "pipe",
  },
});
