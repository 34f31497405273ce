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

  // One update: a new burglary, from the frame to the queue (the count: alarms this close
  // together fold into storm groups), and the page's own work.
  const p = await (await browser.newContext({ storageState: await page.context().storageState() })).newPage();
  // Times the page's own handler of each pushed `ops` event (wraps EventSource listeners).
  await p.addInitScript(() => {
    const w = window as any;
    w.__opsStarts = [] as number[];
    const add = EventSource.prototype.addEventListener;
    EventSource.prototype.addEventListener = function (this: EventSource, type: string, listener: any, opts?: any) {
      if (type !== "ops") return add.call(this, type, listener, opts);
      return add.call(this, type, (ev: Event) => {
        w.__opsStarts.push(performance.now());
        return typeof listener === "function" ? listener.call(this, ev) : listener.handleEvent(ev);
      }, opts);
    } as any;
  });
  await p.goto("/operator");
  await expect(p.locator("#ops-map[data-sites-loaded=true]")).toHaveCount(1, { timeout: 60_000 });
  await expect(p.getByTestId("ops-live")).toHaveText(/live/);
  const updates: { endToEnd: number; inPage: number }[] = [];
  for (let n = 0; n < 10; n++) {
    const site = INCIDENTS + 1 + n;
    const expected = String(INCIDENTS + n + 1);
    await expect(p.getByTestId("queue-count")).toHaveText(String(INCIDENTS + n));
    await p.evaluate((expected) => {
      const w = window as any;
      w.__opsStarts.length = 0;
      w.__shown = 0;
      const count = document.querySelector("[data-testid=queue-count]")!;
      new MutationObserver((_, obs) => {
        if (count.textContent === expected) {
          w.__shown = performance.now();
          obs.disconnect();
        }
      }).observe(count, { childList: true, subtree: true, characterData: true });
    }, expected);
    const t0 = Date.now();
    await send(DC09_PORT, cidFrame(seq++ % 10000, String(2000 + site), "1130 01 003"));
    await expect(p.getByTestId("queue-count")).toHaveText(expected, { timeout: 5000 });
    const endToEnd = Date.now() - t0;
    // From the first event of this update reaching the page's handler to the queue in the DOM.
    const inPage = await p.evaluate(() => {
      const w = window as any;
      return w.__shown - Math.min(...w.__opsStarts);
    });
    updates.push({ endToEnd, inPage: Math.round(inPage * 10) / 10 });
  }
  // A site changing colour (armed, disarmed), as pushed site events do: 1,000 in a row.
  const sample = (await rpc<{ sites: { id: number; name: string; lat: number; lon: number; state: string }[] }>(p, "/rpc/ops/snapshot")).sites.slice(0, 1000);
  const siteUpdate = await p.evaluate((sites) => {
    const m = (window as any).VigilMap;
    const t0 = performance.now();
    sites.forEach((s, i) => m.updateSite({ ...s, state: i % 2 ? "armed" : "disarmed" }));
    return (performance.now() - t0) / sites.length;
  }, sample);

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
    row("DC-09 frame sent → queue updated on screen", updates.map((u) => u.endToEnd)),
    row("pushed event reaches the page → queue updated in the DOM", updates.map((u) => u.inPage)),
    "",
    `Map site restyle (\`VigilMap.updateSite\`, 1,000 calls): ${siteUpdate.toFixed(3)} ms per call.`,
  ].join("\n");
  console.log(report);
  writeFileSync(process.env.VIGIL_BENCH_OUT ?? "bench-results.md", report + "\n");
});
