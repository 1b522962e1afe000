// A fake libvirtd on a Unix socket, good enough for libvirt's remote driver
// to open a connection: it answers every RPC call with "OK" and a zero-filled
// payload (empty auth list, "feature not supported", version 0, …). With
// `hang = true` it stops answering, which is how a stuck daemon looks to the
// client; `hangProcs` does that for chosen procedures only, and `slowProcs`
// delays their replies. dropClients() closes the sockets (the client sees EOF).
//
// Wire format (libvirt's virnetprotocol.x): a 4-byte big-endian total length,
// then prog, vers, proc, type, serial, status as 32-bit words, then the XDR payload.
import { rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REMOTE_PROGRAM = 0x20008086;
const TYPE_CALL = 0;
const TYPE_REPLY = 1;
const PAYLOAD_BYTES = 64;

/** Remote procedure numbers (libvirt's remote_protocol.x) used by tests. */
export const RemoteProc = {
  NodeGetInfo: 6,
  ConnectGetLibVersion: 157,
  ConnectGetAllDomainStats: 344,
  /** Sent by close() (event callback deregistration) before ConnectClose. */
  ConnectDomainEventCallbackDeregisterAny: 168,
} as const;

export class FakeLibvirtd {
  readonly path: string;
  /** Remote procedure numbers received, in order. */
  readonly procs: number[] = [];
  /** Stop replying (calls stay pending until dropClients()). */
  hang = false;
  /** Never reply to these procedures (the others are answered). */
  readonly hangProcs = new Set<number>();
  /** Reply to these procedures only after the given number of ms. */
  readonly slowProcs = new Map<number, number>();
  #server: Server;
  #clients = new Set<Socket>();

  private constructor(path: string, server: Server) {
    this.path = path;
    this.#server = server;
  }

  /** A read-write remote URI pointing at this daemon. */
  get uri(): string {
    return `qemu+unix:///system?socket=${this.path}`;
  }

  static async start(): Promise<FakeLibvirtd> {
    const path = join(tmpdir(), `virtop-fake-libvirtd-${process.pid}-${Math.random().toString(36).slice(2)}.sock`);
    const server = createServer();
    const daemon = new FakeLibvirtd(path, server);
    server.on('connection', (s) => daemon.#serve(s));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    return daemon;
  }

  #serve(s: Socket): void {
    this.#clients.add(s);
    s.on('close', () => this.#clients.delete(s));
    s.on('error', () => {});
    let buf = Buffer.alloc(0);
    s.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 4 && buf.length >= buf.readUInt32BE(0)) {
        const len = buf.readUInt32BE(0);
        const frame = buf.subarray(0, len);
        buf = buf.subarray(len);
        const prog = frame.readUInt32BE(4);
        const vers = frame.readUInt32BE(8);
        const proc = frame.readUInt32BE(12);
        const type = frame.readUInt32BE(16);
        const serial = frame.readUInt32BE(20);
        this.procs.push(proc);
        if (prog !== REMOTE_PROGRAM || type !== TYPE_CALL || this.hang || this.hangProcs.has(proc)) continue;
        const reply = Buffer.alloc(28 + PAYLOAD_BYTES);
        reply.writeUInt32BE(reply.length, 0);
        reply.writeUInt32BE(prog, 4);
        reply.writeUInt32BE(vers, 8);
        reply.writeUInt32BE(proc, 12);
        reply.writeUInt32BE(TYPE_REPLY, 16);
        reply.writeUInt32BE(serial, 20);
        reply.writeUInt32BE(0, 24); // status OK
        const delay = this.slowProcs.get(proc);
        if (delay === undefined) s.write(reply);
        else setTimeout(() => s.writable && s.write(reply), delay);
      }
    });
  }

  dropClients(): void {
    for (const s of this.#clients) s.destroy();
    this.#clients.clear();
  }

  async stop(): Promise<void> {
    this.dropClients();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    rmSync(this.path, { force: true });
  }
}
