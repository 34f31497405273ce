// The dashboard benchmark: a Vigil with 10,000 demo sites, measured in Debian's Chromium.
// Run: bash scripts/bench-dashboard.sh (prints the figures and writes them to
// docs/benchmarks.md). Not part of the test run.
import { defineConfig } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const HTTP_PORT = Number(process.env.VIGIL_BENCH_HTTP_PORT ?? 3140);
export const DC09_PORT = Number(process.env.VIGIL_BENCH_DC09_PORT ?? 7140);
export const SITES = Number(process.env.VIGIL_BENCH_SITES ?? 10000);
const vigil = process.env.VIGIL_BIN ?? "../../target/debug/vigil";
const database = `sqlite://${join(mkdtempSync(join(tmpdir(), "vigil-bench-")), "vigil.db")}`;

export default defineConfig({
  testDir: ".",
  testMatch: /.*\.bench\.ts/,
  timeout: 900_000,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${HTTP_PORT}`,
    viewport: { width: 1366, height: 768 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  webServer: {
    command:
      `${vigil} serve --demo --demo-sites ${SITES} --demo-mean-interval 86400 --demo-stories false ` +
      `--escalate-after 3600 --tile-url "" --http 127.0.0.1:${HTTP_PORT} --dc09 127.0.0.1:${DC09_PORT} ` +
      `--database ${database} --site-root ../../target/site`,
    url: `http://127.0.0.1:${HTTP_PORT}/healthz`,
    reuseExistingServer: false,
    timeout: 600_000,
    stdout: "ignore",
    stderr: "pipe",
  },
});
