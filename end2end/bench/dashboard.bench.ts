// Dashboard load with 10,000 sites and 500 open incidents, and the cost of one pushed update.
import { expect, test } from "@playwright/test";
import { writeFileSync } from "node:fs";
import { DC09_PORT, SITES } from "./bench.config";
import { cidFrame, send } from "../tests/dc09";
import { rpc, signIn } from "../tests/session";

const INCIDENTS = 500;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test("dashboard: 10,000 sites, 500 open incidents", async ({ page, browser }) => {
  await signIn(page, "operator", /\/operator$/);
  let seq = 1;
  for (let n = 1; n <= INCIDENTS; n++) {
    await send(DC09_PORT, cidFrame(seq++ % 10000, String(2000 + n), "1130 01 003"));
  }
  await expect
    .poll(async () => (await rpc<{ incidents: unknown[] }>(page, "/rpc/ops/snapshot")).incidents.length, { timeout: 120_000 })
    .toBeGreaterThanOrEqual(INCIDENTS);

  const loads: { fcp: number; queue: number; map: number }[] = [];
  for (let run = 0; run < 5; run++) {
    const context = await browser.newContext({ storageState: await page.context().storageState() });
    const p = await context.newPage();
    const t0 = Date.now();
    await p.goto("/operator");
    await expect(p.getByTestId("queue-count")).toHaveText(String(INCIDENTS), { timeout: 60_000 });
    const queue = Date.now() - t0;
    await expect(p.locator("#ops-map[data-sites-loaded=true]")).toHaveCount(1, { timeout: 60_000 });
    const map = Date.now() - t0;
    const fcp = await p.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? -1);
    const counts = await p.evaluate(() => (window as any).VigilMap.counts());
    expect(counts.sites).toBe(SITES + 3);
    loads.push({ fcp: Math.round(fcp), queue, map });
    await context.close();
  }

  // One update: a new burglary, from the frame to the queue row, and the page's own work.
  const p = await (await browser.newContext({ storageState: await page.context().storageState() })).newPage();
  await p.goto("/operator");
  await expect(p.locator("#ops-map[data-sites-loaded=true]")).toHaveCount(1, { timeout: 60_000 });
  await expect(p.getByTestId("ops-live")).toHaveText(/live/);
  const updates: { endToEnd: number; inPage: number }[] = [];
  for (let n = 0; n < 10; n++) {
    const site = INCIDENTS + 1 + n;
    await p.evaluate((site) => {
      const w = window as any;
      w.__bench = { site, arrived: 0, shown: 0 };
      const es = new EventSource("/api/v1/ops/stream");
      es.addEventListener("ops", (ev: MessageEvent) => {
        if (!w.__bench.arrived && ev.data.includes(`"site_id":${site}`)) w.__bench.arrived = performance.now();
      });
      w.__benchSource = es;
      new MutationObserver((_, obs) => {
        if (document.querySelector(`[data-testid=queue-row][data-site="${site}"]`)) {
          w.__bench.shown = performance.now();
          obs.disconnect();
        }
      }).observe(document.querySelector("[data-testid=queue]")!, { childList: true, subtree: true });
    }, site);
    await expect.poll(() => p.evaluate(() => (window as any).__benchSource.readyState)).toBe(1);
    const t0 = Date.now();
    await send(DC09_PORT, cidFrame(seq++ % 10000, String(2000 + site), "1130 01 003"));
    await expect(p.locator(`[data-testid=queue-row][data-site="${site}"]`)).toBeVisible({ timeout: 5000 });
    const endToEnd = Date.now() - t0;
    const b = await p.evaluate(() => {
      const w = window as any;
      w.__benchSource.close();
      return w.__bench;
    });
    updates.push({ endToEnd, inPage: Math.max(0, b.shown - b.arrived) });
  }
  const siteUpdate = await p.evaluate(() => {
    const m = (window as any).VigilMap;
    const t0 = performance.now();
    for (let i = 1; i <= 1000; i++) m.updateSite({ id: i, name: "x", lat: 44.43 + (i % 50) / 1000, lon: 26.1, state: i % 2 ? "armed" : "disarmed" });
    return (performance.now() - t0) / 1000;
  });

  const row = (label: string, xs: number[]) => `| ${label} | ${median(xs)} | ${Math.min(...xs)} | ${Math.max(...xs)} |`;
  const report = [
    `Sites: ${SITES + 3} (${SITES} premises + 3 vehicles), open incidents: ${INCIDENTS}+, 8 crews. Chromium ${browser.version()}, headless, software rendering, 1366x768.`,
    "",
    "| Page load (5 runs), ms | median | min | max |",
    "|---|---|---|---|",
    row("first contentful paint", loads.map((l) => l.fcp)),
    row(`queue shows all ${INCIDENTS} incidents`, loads.map((l) => l.queue)),
    row(`map holds all ${SITES + 3} sites`, loads.map((l) => l.map)),
    "",
    "| One pushed update (10 runs), ms | median | min | max |",
    "|---|---|---|---|",
    row("DC-09 frame sent → queue row visible", updates.map((u) => u.endToEnd)),
    row("event received → row in the DOM (page work)", updates.map((u) => Math.round(u.inPage * 10) / 10)),
    "",
    `Map site restyle (\`VigilMap.updateSite\`, 1,000 calls): ${siteUpdate.toFixed(3)} ms per call.`,
  ].join("\n");
  console.log(report);
  writeFileSync(process.env.VIGIL_BENCH_OUT ?? "bench-results.md", report + "\n");
});
