// The local push service against an independent sender (the web-push package): what a real
// sender sends is accepted and decrypted; forged, misaddressed, stale or tampered pushes are not.
import { expect, test } from "@playwright/test";
import { Agent as HttpsAgent } from "node:https";
import { createConnection, type NetConnectOpts } from "node:net";
import webpush from "web-push";
import { PushService, type PushSubscriptionJSON } from "./push-service";

const SUBJECT = "mailto:ops@vigil.example";
const vapidKeys = webpush.generateVAPIDKeys();
const vapidDetails = { subject: SUBJECT, ...vapidKeys };

/** web-push always speaks TLS (https.request); this agent gives it plain TCP for the http service. */
class PlainTcpAgent extends HttpsAgent {
  createConnection(options: NetConnectOpts) {
    return createConnection(options);
  }
}

let service: PushService;

test.beforeEach(async () => {
  service = await PushService.start();
});

test.afterEach(async () => {
  await service.close();
});

/** What web-push would send for `payload`, as headers and body to post (or tamper with first). */
function pushRequest(sub: PushSubscriptionJSON, payload: string) {
  const details = webpush.generateRequestDetails(sub, payload, { vapidDetails, TTL: 60 });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(details.headers)) if (k.toLowerCase() !== "content-length") headers[k] = String(v);
  return { endpoint: details.endpoint, headers, body: Buffer.from(details.body as Buffer) };
}

async function post(req: { endpoint: string; headers: Record<string, string>; body: Buffer }) {
  const res = await fetch(req.endpoint, { method: "POST", headers: req.headers, body: new Uint8Array(req.body) });
  return { status: res.status, text: await res.text() };
}

/** A JWT with its ES256 signature altered by one bit. */
function tamperSignature(authorization: string): string {
  return authorization.replace(/t=([\w-]+)\.([\w-]+)\.([\w-]+)/, (_all, h, p, s) => {
    const sig = Buffer.from(s, "base64url");
    sig[10] ^= 0x01;
    return `t=${h}.${p}.${sig.toString("base64url")}`;
  });
}

/** Expects the push to have been refused with a 4xx whose reason matches `reason`. */
function expectRefused(res: { status: number; text: string }, path: string, reason: RegExp) {
  expect(res.status, res.text).toBeGreaterThanOrEqual(400);
  expect(res.status, res.text).toBeLessThan(500);
  expect(service.messages).toEqual([]);
  expect(service.rejected).toEqual([{ path, reason: expect.stringMatching(reason) }]);
}

test("a push from web-push arrives decrypted, with its VAPID claims", async () => {
  const sub = service.subscribe("alice");
  const payload = { title: "Burglary alarm", body: "Site 1042, zone 3", url: "/operator/incidents/7" };
  const res = await post(pushRequest(sub, JSON.stringify(payload)));
  expect(res.status, res.text).toBe(201);

  const m = await service.waitForMessage((m) => m.path === "/push/alice");
  expect(m.text).toBe(JSON.stringify(payload));
  expect(m.json).toEqual(payload);
  expect(m.headers["content-encoding"]).toBe("aes128gcm");
  expect(m.headers["ttl"]).toBe("60");
  expect(m.vapid).toEqual({ aud: service.origin, sub: SUBJECT, exp: expect.any(Number), k: vapidKeys.publicKey });
  const now = Date.now() / 1000;
  expect(m.vapid.exp).toBeGreaterThan(now);
  expect(m.vapid.exp).toBeLessThanOrEqual(now + 24 * 60 * 60);
  expect(service.rejected).toEqual([]);
});

test("web-push's sendNotification is answered 201 and a waiter gets the message", async () => {
  const sub = service.subscribe();
  const waiting = service.waitForMessage((m) => m.text === "plain text, ünïcödé");
  const res = await webpush.sendNotification(sub, "plain text, ünïcödé", { vapidDetails, TTL: 30, agent: new PlainTcpAgent() });
  expect(res.statusCode).toBe(201);
  const m = await waiting;
  expect(m.json).toBeUndefined();
  expect(m.path).toBe(new URL(sub.endpoint).pathname);
});

test("a service expecting another VAPID key refuses the push", async () => {
  await service.close();
  service = await PushService.start({ expectedVapidKey: webpush.generateVAPIDKeys().publicKey });
  const sub = service.subscribe("alice");
  expectRefused(await post(pushRequest(sub, "hello")), "/push/alice", /not the expected/);
});

test("a service expecting the sender's VAPID key accepts the push", async () => {
  await service.close();
  service = await PushService.start({ expectedVapidKey: vapidKeys.publicKey });
  const sub = service.subscribe("alice");
  expect((await post(pushRequest(sub, "hello"))).status).toBe(201);
  expect((await service.waitForMessage(() => true)).text).toBe("hello");
});

test("a JWT with a tampered signature is refused", async () => {
  const sub = service.subscribe("alice");
  const req = pushRequest(sub, "hello");
  req.headers.Authorization = tamperSignature(req.headers.Authorization);
  expectRefused(await post(req), "/push/alice", /signature does not verify/);
});

test("a JWT for another audience is refused", async () => {
  const sub = service.subscribe("alice");
  const req = pushRequest(sub, "hello");
  const { Authorization } = webpush.getVapidHeaders(
    "https://push.example.net", SUBJECT, vapidKeys.publicKey, vapidKeys.privateKey, "aes128gcm");
  req.headers.Authorization = Authorization;
  expectRefused(await post(req), "/push/alice", /aud "https:\/\/push\.example\.net" is not/);
});

test("an expired JWT is refused", async () => {
  const sub = service.subscribe("alice");
  const req = pushRequest(sub, "hello");
  const { Authorization } = webpush.getVapidHeaders(
    service.origin, SUBJECT, vapidKeys.publicKey, vapidKeys.privateKey, "aes128gcm", Math.floor(Date.now() / 1000) - 60);
  req.headers.Authorization = Authorization;
  expectRefused(await post(req), "/push/alice", /exp \d+ is not in the future/);
});

test("a tampered ciphertext byte is refused", async () => {
  const sub = service.subscribe("alice");
  const req = pushRequest(sub, "hello");
  req.body[req.body.length - 20] ^= 0x01;
  expectRefused(await post(req), "/push/alice", /AES-GCM authentication failed/);
});

test("a push to an unknown subscription is refused", async () => {
  const sub = service.subscribe("alice");
  const req = pushRequest({ ...sub, endpoint: `${service.origin}/push/nobody` }, "hello");
  const res = await post(req);
  expect(res.status).toBe(404);
  expectRefused(res, "/push/nobody", /no subscription/);
});

test("a push to another subscription's keys does not decrypt", async () => {
  const alice = service.subscribe("alice");
  const bob = service.subscribe("bob");
  expectRefused(await post(pushRequest({ ...alice, endpoint: bob.endpoint }, "hello")), "/push/bob", /AES-GCM/);
});

test("waiting in vain says what was received and refused", async () => {
  const sub = service.subscribe("alice");
  expect((await post(pushRequest(sub, "first"))).status).toBe(201);
  const req = pushRequest(sub, "second");
  req.body[req.body.length - 1] ^= 0x01;
  expect((await post(req)).status).toBe(400);
  await expect(service.waitForMessage((m) => m.text === "third", 200)).rejects.toThrow(
    /received \[\/push\/alice: "first"\], rejected \[\/push\/alice: AES-GCM/);
});
