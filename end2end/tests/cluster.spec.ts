// Two Vigil nodes on one PostgreSQL database (docs/high-availability.md): a frame received
// by node A appears on an operator's page served by node B within a second, without a reload.
import { expect, test } from "@playwright/test";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { VIGIL } from "../playwright.config";
import { cidFrame, send } from "./dc09";
import { hydrated } from "./session";

const ADMIN_URL = process.env.VIGIL_TEST_POSTGRES ?? "postgres://postgres@127.0.0.1:5432/postgres";
const NAME = `vigil_e2e_cluster_${process.pid}`;
const DATABASE = ADMIN_URL.replace(/\/[^/]*$/, `/${NAME}`);
const A = { http: 3150, dc09: 7150 };
const B = { http: 3151, dc09: 7151 };
const nodes: ChildProcess[] = [];

function psql(sql: string) {
  execFileSync("psql", [ADMIN_URL, "-qAtc", sql]);
}

async function start(node: { http: number; dc09: number }, extra: string[]) {
  const args = ["serve", "--database", DATABASE, "--http", `127.0.0.1:${node.http}`, "--dc09", `127.0.0.1:${node.dc09}`];
  const child = spawn(VIGIL, [...args, "--site-root", "../target/site", ...extra], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, RUST_LOG: "warn" },
  });
  nodes.push(child);
  for (let i = 0; i < 300; i++) {
    const up = await fetch(`http://127.0.0.1:${node.http}/healthz`).then((r) => r.ok, () => false);
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`node on ${node.http} did not start`);
}

test.beforeAll(async () => {
  test.setTimeout(90_000);
  psql(`DROP DATABASE IF EXISTS ${NAME} WITH (FORCE)`);
  psql(`CREATE DATABASE ${NAME}`);
  // Node A makes the demo city (its logins, sites and accounts); node B only serves.
  await start(A, ["--demo", "--demo-sites", "3", "--demo-mean-interval", "600", "--demo-stories", "false"]);
  await start(B, []);
});

test.afterAll(async () => {
  for (const child of nodes) child.kill("SIGTERM");
  await Promise.all(nodes.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once("exit", r)))));
  psql(`DROP DATABASE IF EXISTS ${NAME} WITH (FORCE)`);
});

/** Signs the demo operator (its login read from node A's sign-in page) in on node B. */
async function operatorOnB(page: import("@playwright/test").Page) {
  await page.goto(`http://127.0.0.1:${A.http}/login`);
  await hydrated(page);
  const row = page.locator("[data-testid=demo-logins] tr[data-role=operator] td");
  const [username, password] = [(await row.nth(1).innerText()).trim(), (await row.nth(2).innerText()).trim()];
  await page.goto(`http://127.0.0.1:${B.http}/login`);
  await hydrated(page);
  await page.fill("#username", username);
  await page.fill("#password", password);
  await page.click("button[type=submit]");
  await expect(page).toHaveURL(/\/operator$/);
  await hydrated(page);
}

test("a frame received by node A shows on node B's operator page within a second", async ({ page }) => {
  await operatorOnB(page);
  await expect(page.getByTestId("live")).toHaveText(/live/);

  const zone = String(900 + Math.floor(Math.random() * 99));
  expect(await send(A.dc09, cidFrame(4321, "2001", `1130 01 ${zone}`))).toContain('"ACK"4321');
  const signal = page.locator(`tr[data-testid=signal-row][data-account="2001"]`).filter({ hasText: zone });
  await expect(signal).toBeVisible({ timeout: 1000 });
  await expect(signal).toContainText("Burglary");
});

test("an open operator page says when the database is unreachable, and when it is back", async ({ page }) => {
  await operatorOnB(page);
  await expect(page.getByTestId("db-down")).toHaveCount(0);
  try {
    psql(`ALTER DATABASE ${NAME} ALLOW_CONNECTIONS false`);
    psql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${NAME}'`);
    // The node's watch asks each second, the page every 3 s.
    await expect(page.getByTestId("db-down")).toBeVisible({ timeout: 8000 });
    await expect(page.getByTestId("db-down")).toContainText("Database unreachable");
    if (process.env.SCREENSHOTS) await page.screenshot({ path: `${process.env.SCREENSHOTS}/db-down.png` });
  } finally {
    psql(`ALTER DATABASE ${NAME} ALLOW_CONNECTIONS true`);
  }
  await expect(page.getByTestId("db-down")).toHaveCount(0, { timeout: 8000 });
});
