// Vigil's service worker. Served as /sw.js, so its scope is the whole site ("/"), but it only
// takes over what the customer app (/app) needs to start without a network, and shows push
// notifications. Plain JavaScript, no build step.
//
// Bump VERSION with every release (and whenever this file changes): the browser then installs
// the new worker, which precaches into a fresh cache and deletes the old ones. /pkg/ is served
// stale-while-revalidate under fixed names, so a release without a new VERSION leaves the first
// page load after it running last release's wasm against the new server.

const VERSION = "1";
const CACHE = `vigil-${VERSION}`;
const APP = "/app";
const NETWORK_TIMEOUT_MS = 4000;

// Precached on install; the install fails (and is retried later) if one of them fails.
const SHELL = [
  "/pkg/vigil.js",
  "/pkg/vigil.wasm",
  "/js/vigil-app.js",
  "/pkg/vigil.css",
  "/manifest.webmanifest",
  "/favicon.svg",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/icons/maskable-512.png",
  "/icons/apple-touch-icon.png",
  "/icons/badge-96.png",
];

// Static files: answered from the cache at once, refreshed from the network behind it.
const STATIC_PREFIXES = ["/pkg/", "/icons/", "/vendor/", "/js/"];
const STATIC_FILES = ["/manifest.webmanifest", "/favicon.svg"];

const isAppPage = (path) => path === APP || path.startsWith(APP + "/");

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // cache: "reload" goes past the HTTP cache, so a new VERSION never precaches old files.
    await cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" })));
    // /app is only there for a signed-in customer (anyone else is redirected to /login): keep
    // it when we get it, but never fail the install over it. The first visit caches it anyway.
    try {
      const res = await fetch(APP, { cache: "reload" });
      if (res.ok && !res.redirected) await cache.put(APP, res);
    } catch (_) {
      // offline or server down: fine
    }
    await self.skipWaiting(); // take over from an older worker without waiting for tabs to close
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("vigil-") && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim(); // control the already open pages too
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || request.headers.has("range")) return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const path = url.pathname;
  // Live data and server functions: network only, never cached. (The page keeps its own copy
  // of the last state it saw.)
  if (path.startsWith("/rpc/") || path.startsWith("/api/")) return;

  if (request.mode === "navigate" && isAppPage(path)) {
    event.respondWith(appPage(event, path));
  } else if (STATIC_PREFIXES.some((p) => path.startsWith(p)) || STATIC_FILES.includes(path)) {
    event.respondWith(staleWhileRevalidate(event));
  }
  // Everything else (other pages, /sw.js, /healthz, ...) is not ours: the browser fetches it
  // as if there were no worker.
});

// Pages of the customer app: network first; the cached copy when the network fails, answers
// 5xx or takes longer than NETWORK_TIMEOUT_MS. Pages are cached by path, without the query.
async function appPage(event, path) {
  const cache = await caches.open(CACHE);
  const network = fetch(event.request).then((res) => {
    // Navigations do not follow redirects here: the redirect to /login arrives as an
    // "opaqueredirect" (not ok), is passed on to the browser and is never cached.
    if (res.ok && res.type === "basic") event.waitUntil(cache.put(path, res.clone()));
    return res;
  });
  event.waitUntil(network.catch(() => {})); // a late answer still refreshes the cache

  try {
    const res = await withTimeout(network, NETWORK_TIMEOUT_MS);
    if (res.status < 500) return res;
  } catch (_) {
    // offline, or too slow
  }
  const cached = await cache.match(path, { ignoreVary: true });
  if (cached) return cached;
  // Another page's HTML under this URL would not hydrate (the router would render a different
  // page than the HTML shows), so send the browser to /app, which is then served from the cache.
  if (path !== APP && (await cache.match(APP, { ignoreVary: true }))) return Response.redirect(APP, 302);
  // Nothing cached: wait for the network after all.
  return network.catch(offlinePage);
}

async function staleWhileRevalidate(event) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(event.request, { ignoreVary: true });
  const network = fetch(event.request).then((res) => {
    if (res.status === 200 && res.type === "basic") event.waitUntil(cache.put(event.request, res.clone()));
    return res;
  });
  if (!cached) return network;
  event.waitUntil(network.catch(() => {})); // refresh in the background
  return cached;
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

function offlinePage() {
  const html = `<!doctype html><html lang="en"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Vigil — offline</title>
<body style="margin:0;padding:2rem;background:#10151c;color:#e6edf3;font:16px/1.5 system-ui,sans-serif">
<h1>No connection</h1><p>Vigil cannot be reached from this device right now.</p>
<p>In an emergency, call 112.</p><p><a href="${APP}" style="color:#4ea1ff">Try again</a></p></body></html>`;
  return new Response(html, { status: 503, headers: { "content-type": "text/html; charset=utf-8" } });
}

// The page may post {type: "signed-out"} when the customer signs out: the cached pages hold
// their data, so forget them.
self.addEventListener("message", (event) => {
  if (!event.data || event.data.type !== "signed-out") return;
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    for (const request of await cache.keys()) {
      if (isAppPage(new URL(request.url).pathname)) await cache.delete(request);
    }
  })());
});

// Push: the payload is JSON {title, body, url, tag, priority}; plain text becomes the body.
// Priority 1 is the most urgent; 1..3 are alarms, which stay on screen until touched and
// ring again when they replace an earlier notification with the same tag.
self.addEventListener("push", (event) => {
  let msg = {};
  if (event.data) {
    try {
      msg = event.data.json();
    } catch (_) {
      msg = { body: event.data.text() };
    }
    if (!msg || typeof msg !== "object") msg = { body: String(msg) };
  }
  const priority = Number.parseInt(msg.priority, 10); // NaN when missing
  const alarm = priority <= 3;
  const tag = msg.tag ? String(msg.tag) : undefined;
  event.waitUntil(self.registration.showNotification(msg.title ? String(msg.title) : "Vigil", {
    body: msg.body ? String(msg.body) : "",
    icon: "/icons/icon-192.png",
    badge: "/icons/badge-96.png",
    tag,
    renotify: alarm && tag !== undefined, // renotify without a tag throws
    requireInteraction: alarm,
    data: { url: appUrl(msg.url) },
  }));
});

// A touched notification opens its URL in the app's window if there is one, else in a new one.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = appUrl(event.notification.data && event.notification.data.url);
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const app = windows.find((c) => isAppPage(new URL(c.url).pathname));
    if (!app) return self.clients.openWindow(url);
    const focused = await app.focus();
    if (focused.url === url) return;
    try {
      await focused.navigate(url);
    } catch (_) {
      await self.clients.openWindow(url); // navigate() only works on pages this worker controls
    }
  })());
});

// Only our own pages: a URL from a push payload that points elsewhere becomes /app.
function appUrl(url) {
  try {
    const u = new URL(url || APP, self.location.origin);
    if (u.origin === self.location.origin) return u.href;
  } catch (_) {
    // not a URL
  }
  return new URL(APP, self.location.origin).href;
}
