// A latency proxy for the event-loop benchmark: listens on 127.0.0.1 (an
// ephemeral port) and forwards each connection to a Unix socket (the local
// libvirtd's read-only socket), holding every chunk D ms in each direction.
// Chunks keep their order: every chunk waits the same D, and Node fires
// timers of equal duration in the order they were set.
//
//   node bench/dist/bench/proxy.js --target /run/libvirt/libvirt-sock-ro --delay 50
//
// Prints {"port": N} once listening. Exits when its stdin closes (the bench
// holds the other end), or after --max-sec seconds whatever happens.

import { createConnection, createServer, type Socket } from 'node:net';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const target = arg('target', '/run/libvirt/libvirt-sock-ro');
const delayMs = Number(arg('delay', '0'));
const maxSec = Number(arg('max-sec', '900'));

const sockets = new Set<Socket>();

function pipeDelayed(from: Socket, to: Socket): void {
  from.on('data', (chunk: Buffer) => {
    if (delayMs <= 0) to.write(chunk);
    else setTimeout(() => to.writable && to.write(chunk), delayMs);
  });
  from.on('end', () => {
    if (delayMs <= 0) to.end();
    else setTimeout(() => to.end(), delayMs);
  });
  from.on('error', () => to.destroy());
  from.on('close', () => setTimeout(() => to.destroy(), delayMs + 10));
}

const server = createServer((client) => {
  const upstream = createConnection(target);
  sockets.add(client);
  sockets.add(upstream);
  client.on('close', () => sockets.delete(client));
  upstream.on('close', () => sockets.delete(upstream));
  pipeDelayed(client, upstream);
  pipeDelayed(upstream, client);
});

function shutdown(): void {
  for (const s of sockets) s.destroy();
  server.close();
  process.exit(0);
}

server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
server.on('error', (e) => {
  process.stderr.write(`proxy: ${e.message}\n`);
  process.exit(1);
});
process.stdin.on('end', shutdown);
process.stdin.on('close', shutdown);
process.stdin.resume();
setTimeout(shutdown, maxSec * 1000).unref();
