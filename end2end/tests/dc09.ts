// A tiny DC-09 sender for the browser tests: builds a plain frame and waits for the reply.
import { createCipheriv } from "node:crypto";
import { Socket } from "node:net";

/** CRC-16/ARC (poly 0xA001 reflected, init 0). */
export function crc16arc(bytes: Buffer): number {
  let crc = 0;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** A plain ADM-CID frame: LF crc len "ADM-CID" seq R1 L1 #acct [#acct|data] CR. */
export function cidFrame(seq: number, account: string, data: string): Buffer {
  return envelope(Buffer.from(`"ADM-CID"${String(seq).padStart(4, "0")}R1L1#${account}[#${account}|${data}]`, "latin1"));
}

/** The envelope around a frame's body: LF crc len body CR. */
function envelope(body: Buffer): Buffer {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, "0");
  return Buffer.concat([Buffer.from(`\n${hex(crc16arc(body))}${hex(body.length)}`, "latin1"), body, Buffer.from("\r")]);
}

/** An AES-encrypted ADM-CID frame as a panel with `key` (the ASCII key typed into it) sends
 *  it: `"*ADM-CID"`, and in hex the AES-CBC (zero IV) of pad `0`s, `|#acct|data]` and the
 *  time `_HH:MM:SS,MM-DD-YYYY` (UTC), the pad filling whole 16-byte blocks. */
export function encryptedCidFrame(seq: number, account: string, data: string, key: string): Buffer {
  const now = new Date();
  const two = (n: number) => String(n).padStart(2, "0");
  const time = `_${two(now.getUTCHours())}:${two(now.getUTCMinutes())}:${two(now.getUTCSeconds())},${two(now.getUTCMonth() + 1)}-${two(now.getUTCDate())}-${now.getUTCFullYear()}`;
  const rest = Buffer.from(`|#${account}|${data}]${time}`, "latin1");
  const plain = Buffer.concat([Buffer.alloc(16 - (rest.length % 16), "0"), rest]);
  const secret = Buffer.from(key, "latin1");
  const cipher = createCipheriv(`aes-${secret.length * 8}-cbc`, secret, Buffer.alloc(16));
  cipher.setAutoPadding(false);
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]).toString("hex").toUpperCase();
  return envelope(Buffer.from(`"*ADM-CID"${String(seq).padStart(4, "0")}R1L1#${account}[${sealed}`, "latin1"));
}

/** Sends one frame over TCP and resolves with the receiver's reply (up to CR). */
export function send(port: number, frame: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let reply = "";
    socket.setTimeout(5000, () => {
      socket.destroy();
      reject(new Error(`no reply; got ${JSON.stringify(reply)}`));
    });
    socket.on("data", (d) => {
      reply += d.toString("latin1");
      if (reply.includes("\r")) {
        socket.end();
        resolve(reply);
      }
    });
    socket.on("error", reject);
    socket.connect(port, "127.0.0.1", () => socket.write(frame));
  });
}
