import { chromium } from "@playwright/test";
const [,, file, out, y, h] = process.argv;
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox"] });
const p = await b.newPage({ viewport: { width: 824, height: 4000 } });
await p.goto("file://" + file);
await p.addStyleTag({ content: "body{margin:0} img{display:block}" });
await p.screenshot({ path: out, clip: { x: 0, y: Number(y), width: 824, height: Number(h) } });
await b.close();
