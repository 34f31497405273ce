import { defineConfig, devices } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Debian's Chromium; Playwright's own browser download cannot work on these machines.
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const HTTP_PORT = Number(process.env.VIGIL_E2E_HTTP_PORT ?? 3130);
export const DC09_PORT = Number(process.env.VIGIL_E2E_DC09_PORT ?? 7130);
export const VIGIL = process.env.VIGIL_BIN ?? "../target/debug/vigil";
const vigil = VIGIL;
const database = `sqlite://${join(mkdtempSync(join(tmpdir(), "vigil-e2e-")), "vigil.db")}`;
/** A second Vigil on an empty database, without the demo: a new company's first start. Its
 *  log (with the set-up link) goes to a file the tests read; paths are fixed so that test
 *  workers, which load this file again, find them. */
export const FRESH_HTTP_PORT = HTTP_PORT + 1;
export const FRESH_DC09_PORT = DC09_PORT + 1;
export const FRESH_LOG = join(tmpdir(), `vigil-e2e-fresh-${FRESH_HTTP_PORT}.log`);
export const FRESH_DB = join(tmpdir(), `vigil-e2e-fresh-${FRESH_HTTP_PORT}.db`);
const freshDb = FRESH_DB;

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${HTTP_PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath,
          args: [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // The operators' alarm tone is tested as played; a real operator has clicked
            // (signing in) before any alarm comes.
            "--autoplay-policy=no-user-gesture-required",
          ],
        },
      },
    },
  ],
  webServer: [
    {
      command:
        // Vigil's own lines, not the access log (every request, at info).
        `RUST_LOG=warn,vigil=info,server=info,access=warn ${vigil} serve --demo --demo-sites 30 --demo-mean-interval 60 --demo-stories false --push-any-endpoint ` +
        `--http 127.0.0.1:${HTTP_PORT} --dc09 127.0.0.1:${DC09_PORT} ` +
        `--database ${database} --site-root ../target/site`,
      url: `http://127.0.0.1:${HTTP_PORT}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command:
        `rm -f ${freshDb} ${freshDb}-wal ${freshDb}-shm && RUST_LOG=info NO_COLOR=1 exec ${vigil} serve ` +
        `--http 127.0.0.1:${FRESH_HTTP_PORT} --dc09 127.0.0.1:${FRESH_DC09_PORT} ` +
        `--database sqlite://${freshDb} --site-root ../target/site 2> ${FRESH_LOG}`,
      url: `http://127.0.0.1:${FRESH_HTTP_PORT}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "ignore",
    },
  ],
});
