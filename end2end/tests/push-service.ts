// A local Web Push service standing in for the browser vendor's one: it hands out
// subscriptions, checks each push's VAPID authorization (RFC 8292) and decrypts its
// aes128gcm payload (RFC 8291, RFC 8188), keeping what it accepted and what it refused.
import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify, type ECDH } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface PushMessage {
  path: string;
  /** Date.now() on arrival. */
  at: number;
  headers: Record<string, string>;
  vapid: { aud: string; sub: string; exp: number; /** base64url public key */ k: string };
  /** The decrypted plaintext, UTF-8. */
  text: string;
  /** The plaintext parsed, when it is JSON. */
  json?: any;
}

export interface PushSubscriptionJSON {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface Rejection {
  path: string;
  reason: string;
}

interface Subscription {
  ecdh: ECDH;
  /** The user agent's public key, uncompressed (65 bytes). */
  publicKey: Buffer;
  auth: Buffer;
}

interface Waiter {
  pred: (m: PushMessage) => boolean;
  resolve: (m: PushMessage) => void;
}

/** A push refused with its HTTP status. */
class Refusal extends Error {
  constructor(readonly status: number, reason: string) {
    super(reason);
  }
}

const MAX_BODY = 64 * 1024;
const MAX_EXP_AHEAD_S = 24 * 60 * 60;
const HEADER_LEN = 16 + 4 + 1;
const TAG_LEN = 16;

const b64u = (b: Buffer) => b.toString("base64url");
const unb64u = (s: string) => Buffer.from(s, "base64url");
const hkdf = (salt: Buffer, ikm: Buffer, info: Buffer, len: number) =>
  Buffer.from(hkdfSync("sha256", ikm, salt, info, len));

export class PushService {
  readonly messages: PushMessage[] = [];
  readonly rejected: Rejection[] = [];
  private readonly subscriptions = new Map<string, Subscription>();
  private waiters: Waiter[] = [];

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    private readonly expectedVapidKey?: string,
  ) {}

  /** Starts a service on 127.0.0.1 at a free port. */
  static async start(opts: { expectedVapidKey?: string } = {}): Promise<PushService> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    const { port } = server.address() as AddressInfo;
    const service = new PushService(server, `http://127.0.0.1:${port}`, opts.expectedVapidKey);
    server.on("request", (req, res) => service.handle(req, res));
    return service;
  }

  /** A new subscription: a fresh P-256 key pair and 16 random auth bytes. */
  subscribe(name: string = b64u(randomBytes(12))): PushSubscriptionJSON {
    if (!/^[\w-]+$/.test(name)) throw new Error(`bad subscription name ${JSON.stringify(name)}`);
    if (this.subscriptions.has(name)) throw new Error(`subscription ${name} exists already`);
    const ecdh = createECDH("prime256v1");
    const publicKey = ecdh.generateKeys();
    const auth = randomBytes(16);
    this.subscriptions.set(name, { ecdh, publicKey, auth });
    return { endpoint: `${this.origin}/push/${name}`, keys: { p256dh: b64u(publicKey), auth: b64u(auth) } };
  }

  /** The first message, received or yet to come, that `pred` accepts. */
  waitForMessage(pred: (m: PushMessage) => boolean = () => true, timeoutMs = 5_000): Promise<PushMessage> {
    const found = this.messages.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        pred,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching push message within ${timeoutMs} ms; ${this.describe()}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** What arrived so far, for error messages. */
  private describe(): string {
    const received = this.messages.map((m) => `${m.path}: ${JSON.stringify(m.text.slice(0, 200))}`);
    const rejected = this.rejected.map((r) => `${r.path}: ${r.reason}`);
    return `received ${received.length ? `[${received.join("; ")}]` : "none"}, ` +
      `rejected ${rejected.length ? `[${rejected.join("; ")}]` : "none"}`;
  }

  private handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? "/").split("?")[0];
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on("end", () => {
      try {
        if (size > MAX_BODY) throw new Refusal(413, `body of ${size} bytes is over ${MAX_BODY}`);
        const message = this.accept(req, path, Buffer.concat(chunks));
        this.messages.push(message);
        for (const w of this.waiters.filter((w) => w.pred(message))) w.resolve(message);
        this.waiters = this.waiters.filter((w) => !w.pred(message));
        res.writeHead(201, { location: `${path}/messages/${this.messages.length}` }).end();
      } catch (e) {
        const status = e instanceof Refusal ? e.status : 400;
        const reason = e instanceof Error ? e.message : String(e);
        this.rejected.push({ path, reason });
        res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(reason);
      }
    });
  }

  /** Checks and decrypts one push; throws a Refusal (or any Error, taken as 400) to refuse it. */
  private accept(req: IncomingMessage, path: string, body: Buffer): PushMessage {
    const name = /^\/push\/([^/]+)$/.exec(path)?.[1];
    const sub = name === undefined ? undefined : this.subscriptions.get(name);
    if (!sub) throw new Refusal(404, `no subscription at ${path}`);
    if (req.method !== "POST") throw new Refusal(405, `method ${req.method} is not POST`);

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
    if (headers["content-encoding"] !== "aes128gcm")
      throw new Refusal(400, `Content-Encoding is ${JSON.stringify(headers["content-encoding"])}, not aes128gcm`);
    if (!/^\d+$/.test(headers["ttl"] ?? "")) throw new Refusal(400, `TTL header missing or not a number: ${JSON.stringify(headers["ttl"])}`);

    const vapid = this.checkVapid(headers["authorization"]);
    const text = decrypt(sub, body);
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { path, at: Date.now(), headers, vapid, text, json };
  }

  /** Verifies `Authorization: vapid t=<JWT>, k=<key>` (RFC 8292) and returns its claims. */
  private checkVapid(authorization: string | undefined): PushMessage["vapid"] {
    const m = /^vapid\s+(.*)$/i.exec(authorization ?? "");
    if (!m) throw new Refusal(400, `Authorization is not a vapid one: ${JSON.stringify(authorization)}`);
    const params = new Map<string, string>();
    for (const part of m[1].split(",")) {
      const eq = part.indexOf("=");
      if (eq > 0) params.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
    }
    const t = params.get("t");
    const k = params.get("k");
    if (!t || !k) throw new Refusal(400, "vapid authorization lacks t= or k=");

    const key = unb64u(k);
    if (key.length !== 65 || key[0] !== 0x04) throw new Refusal(400, `vapid k is not an uncompressed P-256 point (${key.length} bytes)`);
    if (this.expectedVapidKey !== undefined && !key.equals(unb64u(this.expectedVapidKey)))
      throw new Refusal(400, `vapid k ${k} is not the expected ${this.expectedVapidKey}`);

    const parts = t.split(".");
    if (parts.length !== 3) throw new Refusal(400, "vapid t is not a JWS compact serialization");
    const [h, p, s] = parts;
    const header = parseJson(unb64u(h), "JWT header");
    if (header.alg !== "ES256") throw new Refusal(400, `JWT alg is ${JSON.stringify(header.alg)}, not ES256`);
    const signature = unb64u(s);
    if (signature.length !== 64) throw new Refusal(400, `JWT signature is ${signature.length} bytes, not 64 (r||s)`);
    let publicKey;
    try {
      publicKey = createPublicKey({
        key: { kty: "EC", crv: "P-256", x: b64u(key.subarray(1, 33)), y: b64u(key.subarray(33)) },
        format: "jwk",
      });
    } catch (e) {
      throw new Refusal(400, `vapid k is not a P-256 public key: ${(e as Error).message}`);
    }
    const signed = Buffer.from(`${h}.${p}`, "ascii");
    if (!verify("sha256", signed, { key: publicKey, dsaEncoding: "ieee-p1363" }, signature))
      throw new Refusal(400, "JWT signature does not verify with vapid k");

    const claims = parseJson(unb64u(p), "JWT claims");
    if (claims.aud !== this.origin) throw new Refusal(400, `JWT aud ${JSON.stringify(claims.aud)} is not ${this.origin}`);
    const now = Date.now() / 1000;
    if (typeof claims.exp !== "number" || claims.exp <= now) throw new Refusal(400, `JWT exp ${claims.exp} is not in the future (now ${Math.floor(now)})`);
    if (claims.exp > now + MAX_EXP_AHEAD_S) throw new Refusal(400, `JWT exp ${claims.exp} is more than 24 h ahead (now ${Math.floor(now)})`);
    if (typeof claims.sub !== "string" || !/^(mailto:|https:)/.test(claims.sub))
      throw new Refusal(400, `JWT sub ${JSON.stringify(claims.sub)} is not a mailto: or https: URL`);
    return { aud: claims.aud, sub: claims.sub, exp: claims.exp, k };
  }
}

function parseJson(bytes: Buffer, what: string): any {
  try {
    const v = JSON.parse(bytes.toString("utf8"));
    if (v && typeof v === "object") return v;
  } catch {
    // fall through
  }
  throw new Refusal(400, `${what} is not a JSON object`);
}

/** Decrypts a single-record aes128gcm body for `sub` (RFC 8291 keys, RFC 8188 framing). */
function decrypt(sub: Subscription, body: Buffer): string {
  if (body.length < HEADER_LEN) throw new Refusal(400, `body of ${body.length} bytes is shorter than the aes128gcm header`);
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20];
  if (idlen !== 65) throw new Refusal(400, `keyid is ${idlen} bytes, not a 65-byte sender public key`);
  const asPublic = body.subarray(HEADER_LEN, HEADER_LEN + idlen);
  const records = body.subarray(HEADER_LEN + idlen);
  if (rs < TAG_LEN + 2) throw new Refusal(400, `record size ${rs} is too small`);
  if (records.length > rs) throw new Refusal(400, `ciphertext of ${records.length} bytes spans more than one record of ${rs}; multi-record bodies are not supported`);
  if (records.length < TAG_LEN + 1) throw new Refusal(400, `ciphertext of ${records.length} bytes is too short`);

  let ecdh: Buffer;
  try {
    ecdh = sub.ecdh.computeSecret(asPublic);
  } catch (e) {
    throw new Refusal(400, `keyid is not a P-256 public key: ${(e as Error).message}`);
  }
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), sub.publicKey, asPublic]);
  const ikm = hkdf(sub.auth, ecdh, keyInfo, 32);
  const cek = hkdf(salt, ikm, Buffer.from("Content-Encoding: aes128gcm\0"), 16);
  const nonce = hkdf(salt, ikm, Buffer.from("Content-Encoding: nonce\0"), 12);

  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(records.subarray(records.length - TAG_LEN));
  let padded: Buffer;
  try {
    padded = Buffer.concat([decipher.update(records.subarray(0, records.length - TAG_LEN)), decipher.final()]);
  } catch {
    throw new Refusal(400, "AES-GCM authentication failed: wrong keys or tampered ciphertext");
  }

  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (end < 0) throw new Refusal(400, "plaintext has no padding delimiter");
  if (padded[end] !== 0x02) throw new Refusal(400, `padding delimiter is 0x${padded[end].toString(16).padStart(2, "0")}, not 0x02 (last record)`);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(padded.subarray(0, end));
  } catch {
    throw new Refusal(400, "plaintext is not UTF-8");
  }
}
