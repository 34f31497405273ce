// Installability checks in the spirit of Lighthouse's, without Lighthouse: the web app manifest,
// its icons (real PNGs of the sizes they claim) and the service worker script, all fetched
// over HTTP. Use: `expect(await pwaProblems(request, baseURL!)).toEqual([])`.
import type { APIRequestContext, APIResponse } from "@playwright/test";

const MANIFEST = "/manifest.webmanifest";
const SERVICE_WORKER = "/sw.js";
const MANIFEST_TYPES = ["application/manifest+json", "application/json"];
const DISPLAY_MODES = ["standalone", "fullscreen", "minimal-ui"];
// The JavaScript MIME types a browser accepts for a service worker script.
const JS_TYPES = [
  "text/javascript", "application/javascript", "application/x-javascript", "application/ecmascript",
  "application/x-ecmascript", "text/ecmascript", "text/x-ecmascript", "text/x-javascript",
  "text/jscript", "text/livescript",
];
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface Icon {
  src?: unknown;
  sizes?: unknown;
  type?: unknown;
  purpose?: unknown;
}

/**
 * Everything that keeps the site's customer app from being installable, in words; empty when
 * all is well. With `options.page` (e.g. "/login", any page the shell renders) it also checks
 * that the page's HTML links the manifest.
 */
export async function pwaProblems(
  request: APIRequestContext,
  baseURL: string,
  options: { page?: string } = {},
): Promise<string[]> {
  const problems: string[] = [];
  const manifestUrl = new URL(MANIFEST, baseURL);

  const manifest = await fetchManifest(request, manifestUrl, problems);
  if (manifest) await checkManifest(request, manifest, manifestUrl, problems);

  const sw = await get(request, new URL(SERVICE_WORKER, baseURL), problems);
  if (sw) {
    const type = mediaType(sw);
    if (!JS_TYPES.includes(type)) problems.push(`${SERVICE_WORKER}: served as "${type}", not a JavaScript type`);
    if ((await sw.body()).length === 0) problems.push(`${SERVICE_WORKER}: empty`);
  }

  if (options.page) await checkPageLinks(request, new URL(options.page, baseURL), manifestUrl, problems);
  return problems;
}

/** GETs `url` without following redirects; records why when the answer is not a 200. */
async function get(request: APIRequestContext, url: URL, problems: string[]): Promise<APIResponse | undefined> {
  let res: APIResponse;
  try {
    res = await request.get(url.href, { maxRedirects: 0, failOnStatusCode: false });
  } catch (e) {
    problems.push(`${url.pathname}: request failed: ${(e as Error).message}`);
    return undefined;
  }
  if (res.status() !== 200) {
    const location = res.headers()["location"];
    problems.push(`${url.pathname}: HTTP ${res.status()}${location ? ` (to ${location})` : ""}, expected 200`);
    return undefined;
  }
  return res;
}

/** The media type of a response, without parameters, lower case ("" when there is none). */
function mediaType(res: APIResponse): string {
  return (res.headers()["content-type"] ?? "").split(";")[0].trim().toLowerCase();
}

async function fetchManifest(request: APIRequestContext, url: URL, problems: string[]): Promise<Record<string, unknown> | undefined> {
  const res = await get(request, url, problems);
  if (!res) return undefined;
  const type = mediaType(res);
  if (!MANIFEST_TYPES.includes(type)) {
    problems.push(`${url.pathname}: served as "${type || "(no content-type)"}", expected ${MANIFEST_TYPES.join(" or ")}`);
  }
  try {
    const json: unknown = JSON.parse(await res.text());
    if (json && typeof json === "object" && !Array.isArray(json)) return json as Record<string, unknown>;
    problems.push(`${url.pathname}: not a JSON object`);
  } catch (e) {
    problems.push(`${url.pathname}: not JSON: ${(e as Error).message}`);
  }
  return undefined;
}

async function checkManifest(request: APIRequestContext, m: Record<string, unknown>, manifestUrl: URL, problems: string[]) {
  const where = manifestUrl.pathname;
  const text = (key: string) => (typeof m[key] === "string" && (m[key] as string).trim() ? (m[key] as string) : undefined);

  for (const key of ["name", "short_name"]) {
    if (!text(key)) problems.push(`${where}: "${key}" is missing or empty`);
  }

  // start_url and scope are relative to the manifest's URL; start_url must lie in the scope.
  const start = text("start_url") ? resolve(m.start_url as string, manifestUrl) : undefined;
  if (!text("start_url")) problems.push(`${where}: "start_url" is missing`);
  else if (!start) problems.push(`${where}: "start_url" ${JSON.stringify(m.start_url)} is not a URL`);
  else if (start.origin !== manifestUrl.origin) problems.push(`${where}: "start_url" ${start.href} is on another origin`);
  const scope = text("scope") ? resolve(m.scope as string, manifestUrl) : start && new URL(".", start);
  if (text("scope") && !scope) problems.push(`${where}: "scope" ${JSON.stringify(m.scope)} is not a URL`);
  const inScope = (u: URL) => !!scope && u.origin === scope.origin && u.pathname.startsWith(scope.pathname);
  if (start && scope && !inScope(start)) problems.push(`${where}: "start_url" ${start.pathname} is outside "scope" ${scope.pathname}`);

  if (!DISPLAY_MODES.includes(m.display as string)) {
    problems.push(`${where}: "display" is ${JSON.stringify(m.display)}, expected one of ${DISPLAY_MODES.join(", ")}`);
  }
  for (const key of ["theme_color", "background_color"]) {
    const color = text(key);
    if (!color) problems.push(`${where}: "${key}" is missing`);
    else if (color.startsWith("#") && !/^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(color)) {
      problems.push(`${where}: "${key}" ${color} is not a hex colour`);
    }
  }

  // Icons: a PNG of at least 192 px and one of at least 512 px for purpose "any", and a maskable one.
  const icons: Icon[] = Array.isArray(m.icons) ? (m.icons as Icon[]) : [];
  if (!Array.isArray(m.icons)) problems.push(`${where}: "icons" is missing`);
  const purposes = (icon: Icon) => (typeof icon.purpose === "string" ? icon.purpose : "any").toLowerCase().split(/\s+/);
  const isPng = (icon: Icon) => icon.type === "image/png" || (icon.type === undefined && /\.png$/i.test(String(icon.src)));
  const largest = (icon: Icon) => Math.max(0, ...declaredSizes(icon).map(([w, h]) => Math.min(w, h)));
  for (const min of [192, 512]) {
    if (!icons.some((i) => purposes(i).includes("any") && isPng(i) && largest(i) >= min)) {
      problems.push(`${where}: no PNG icon of at least ${min}x${min} with purpose "any"`);
    }
  }
  if (!icons.some((i) => purposes(i).includes("maskable"))) problems.push(`${where}: no icon with purpose "maskable"`);

  // Shortcuts are optional, but a broken one is dropped by the browser.
  const shortcuts = Array.isArray(m.shortcuts) ? (m.shortcuts as Record<string, unknown>[]) : [];
  const allIcons = [...icons];
  shortcuts.forEach((s, n) => {
    if (typeof s.name !== "string" || !s.name) problems.push(`${where}: shortcut ${n} has no "name"`);
    const u = typeof s.url === "string" ? resolve(s.url, manifestUrl) : undefined;
    if (!u) problems.push(`${where}: shortcut ${n} has no valid "url"`);
    else if (!inScope(u)) problems.push(`${where}: shortcut ${n} url ${u.href} is outside the scope`);
    if (Array.isArray(s.icons)) allIcons.push(...(s.icons as Icon[]));
  });

  // Every icon (manifest and shortcuts) once: reachable, and a PNG of the declared size.
  const seen = new Set<string>();
  for (const icon of allIcons) {
    if (typeof icon.src !== "string" || !icon.src) {
      problems.push(`${where}: an icon has no "src"`);
      continue;
    }
    const url = resolve(icon.src, manifestUrl);
    if (!url) {
      problems.push(`${where}: icon src ${JSON.stringify(icon.src)} is not a URL`);
      continue;
    }
    const key = `${url.href} ${String(icon.sizes)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    await checkIcon(request, icon, url, problems);
  }
}

/** The sizes an icon declares, as [width, height] ("any" declares none). */
function declaredSizes(icon: Icon): [number, number][] {
  if (typeof icon.sizes !== "string") return [];
  return icon.sizes
    .toLowerCase()
    .split(/\s+/)
    .map((s) => /^(\d+)x(\d+)$/.exec(s))
    .filter((x): x is RegExpExecArray => x !== null)
    .map((x) => [Number(x[1]), Number(x[2])]);
}

async function checkIcon(request: APIRequestContext, icon: Icon, url: URL, problems: string[]) {
  const res = await get(request, url, problems);
  if (!res) return;
  const where = url.pathname;
  const claimsPng = icon.type === "image/png" || /\.png$/i.test(url.pathname);
  if (!claimsPng) return; // only PNGs are looked into
  const type = mediaType(res);
  if (type !== "image/png") problems.push(`${where}: served as "${type}", expected image/png`);

  const body = await res.body();
  if (body.length < 24 || !body.subarray(0, 8).equals(PNG_SIGNATURE)) {
    problems.push(`${where}: not a PNG (no PNG signature)`);
    return;
  }
  // The first chunk of a PNG is IHDR: length (4), "IHDR" (4), width (4), height (4), ...
  if (body.toString("latin1", 12, 16) !== "IHDR") {
    problems.push(`${where}: PNG without IHDR as its first chunk`);
    return;
  }
  const width = body.readUInt32BE(16);
  const height = body.readUInt32BE(20);
  const declared = declaredSizes(icon);
  if (declared.length === 0) {
    if (icon.sizes !== "any") problems.push(`${where}: no "sizes" declared (the file is ${width}x${height})`);
  } else if (!declared.some(([w, h]) => w === width && h === height)) {
    problems.push(`${where}: is ${width}x${height}, but "sizes" says ${String(icon.sizes)}`);
  }
}

/** Checks that the HTML of `page` links the manifest (what makes a page installable at all). */
async function checkPageLinks(request: APIRequestContext, page: URL, manifestUrl: URL, problems: string[]) {
  const res = await get(request, page, problems);
  if (!res) return;
  const links = [...(await res.text()).matchAll(/<link\b[^>]*>/gi)].map((tag) => attributes(tag[0]));
  const manifests = links.filter((a) => (a.rel ?? "").toLowerCase().split(/\s+/).includes("manifest"));
  if (manifests.length === 0) {
    problems.push(`${page.pathname}: no <link rel="manifest">`);
  } else if (!manifests.some((a) => a.href && resolve(a.href, page)?.href === manifestUrl.href)) {
    problems.push(`${page.pathname}: <link rel="manifest"> does not point to ${manifestUrl.pathname}`);
  }
}

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of tag.matchAll(/([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>/]+))/g)) {
    out[a[1].toLowerCase()] = a[2] ?? a[3] ?? a[4] ?? "";
  }
  return out;
}

function resolve(href: string, base: URL): URL | undefined {
  try {
    return new URL(href, base);
  } catch {
    return undefined;
  }
}
