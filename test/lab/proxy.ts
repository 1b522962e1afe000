// A loopback TCP proxy in front of the lab libvirtd's TCP listener
// (`lab.sh tcp on`), which a test can cut: existing connections go silent
// (bytes swallowed, sockets left open, like a dead network) and new ones
// are refused, like a blocked port.
import { connect, createServer, type Server, type Socket } from 'node:net';

export const LAB_TCP_PORT = Number(process.env.VIRTOP_LAB_TCP_PORT ?? 16509);

export class CuttableProxy {
  private server: Server | null = null;
  private readonly pairs = new Set<[Socket, Socket]>();
  cut = false;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((client) => {
      if (this.cut) {
        client.destroy(); // a blocked port: refused straight away
        return;
      }
      const upstream = connect(LAB_TCP_PORT, '127.0.0.1');
      const pair: [Socket, Socket] = [client, upstream];
      this.pairs.add(pair);
      // While cut, bytes are swallowed and the sockets stay open: a silent network.
      client.on('data', (d) => !this.cut && upstream.write(d));
      upstream.on('data', (d) => !this.cut && client.write(d));
      const end = () => {
        client.destroy();
        upstream.destroy();
        this.pairs.delete(pair);
      };
      client.on('close', end).on('error', end);
      upstream.on('close', end).on('error', end);
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server!.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

