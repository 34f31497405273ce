// A tiny DC-09 sender for the browser tests: builds a plain frame and waits for the reply.
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
  const body = Buffer.from(`"ADM-CID"${String(seq).padStart(4, "0")}R1L1#${account}[#${account}|${data}]`, "latin1");
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, "0");
  return Buffer.concat([Buffer.from(`\n${hex(crc16arc(body))}${hex(body.length)}`, "latin1"), body, Buffer.from("\r")]);
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
