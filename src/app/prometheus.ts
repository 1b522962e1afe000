// --prometheus: virtop without a screen, serving /metrics over HTTP from the
// same collector loop. The loop ticks at --delay; a scrape only formats the
// last snapshot (no libvirt call), so scrapes cost the hosts nothing and
// many scrapers can share one virtop.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Options } from './options.js';
import type { Collector } from '../collector/collector.js';
import { formatAddress, type ListenAddress } from '../export/address.js';
import { PrometheusExporter } from '../export/prometheus.js';
import { BasicAuth, loadWebConfig, WebConfigError, type WebConfig } from '../export/web-config.js';
import { EXIT_CLOSE_GRACE_MS, settleWithin } from '../util/settle.js';
import { FeedError, openFeed } from './replay.js';

export interface ExporterServer {
  server: Server;
  /** the address actually bound (port 0 resolved) */
  host: string;
  port: number;
  close(): Promise<void>;
}

const INDEX = `<html><head><title>virtop exporter</title></head><body><h1>virtop</h1><p><a href="/metrics">Metrics</a></p></body></html>\n`;

function listenError(e: NodeJS.ErrnoException, where: string): string {
  switch (e.code) {
    case 'EADDRINUSE':
      return `cannot serve metrics on ${where}: the port is already in use (is another exporter running?)`;
    case 'EADDRNOTAVAIL':
      return `cannot serve metrics on ${where}: that address is not on this machine`;
    case 'EACCES':
      return `cannot serve metrics on ${where}: permission denied (ports below 1024 need root)`;
    default:
      return `cannot serve metrics on ${where}: ${e.message}`;
  }
}

/** Starts the HTTP (or, with a web config's TLS, HTTPS) server. Rejects with a one-line Error when it cannot listen. */
export async function serveMetrics(exporter: PrometheusExporter, listen: ListenAddress, web: WebConfig | null = null): Promise<ExporterServer> {
  const auth = new BasicAuth(web?.users ?? new Map());
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    // Every path, the index included, is behind the password when there is one.
    if (!auth.allows(req.headers.authorization)) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="virtop"', 'Content-Type': 'text/plain' }).end('unauthorized\n');
      return;
    }
    void handle(exporter, req, res);
  };
  const server: Server = web?.tls ? (createHttpsServer({ cert: web.tls.cert, key: web.tls.key }, onRequest) as unknown as Server) : createServer(onRequest);
  const where = formatAddress(listen.host, listen.port);
  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => reject(new Error(listenError(e, where)));
    server.once('error', onError);
    server.listen({ host: listen.host, port: listen.port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  return {
    server,
    host: addr.address,
    port: addr.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(exporter: PrometheusExporter, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('method not allowed\n');
    return;
  }
  if (path === '/') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(req.method === 'HEAD' ? undefined : INDEX);
    return;
  }
  if (path !== '/metrics') {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: try /metrics\n');
    return;
  }
  if (!exporter.hasData) {
    // Before the first tick there is nothing true to say; Prometheus counts this scrape as failed.
    res.writeHead(503, { 'Content-Type': 'text/plain', 'Retry-After': '1' }).end('virtop has no sample yet\n');
    return;
  }
  try {
    const body = await exporter.render();
    res.writeHead(200, { 'Content-Type': exporter.contentType }).end(req.method === 'HEAD' ? undefined : body);
  } catch (e) {
    res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`virtop: ${(e as Error).message}\n`);
  }
}

export interface PrometheusIo {
  stderr: NodeJS.WritableStream;
}

/**
 * Runs the exporter until `signal` aborts: serve, then tick. Returns the
 * exit code: 0 after a clean stop, 1 when it cannot listen.
 */
export async function runPrometheus(
  listen: ListenAddress,
  collector: Pick<Collector, 'onSnapshot' | 'start' | 'stop'>,
  io: PrometheusIo,
  signal: AbortSignal,
  webConfigPath: string | null = null,
  metadataLabels = false,
): Promise<number> {
  const exporter = new PrometheusExporter({ metadataLabels });
  collector.onSnapshot((s) => exporter.update(s));
  let srv: ExporterServer;
  let web: WebConfig | null = null;
  try {
    if (webConfigPath !== null) web = await loadWebConfig(webConfigPath);
    srv = await serveMetrics(exporter, listen, web);
  } catch (e) {
    io.stderr.write(`virtop: ${(e as Error).message}\n`);
    return e instanceof WebConfigError ? 2 : 1;
  }
  const scheme = web?.tls ? 'https' : 'http';
  const auth = web?.users.size ? ` (basic auth, ${web.users.size} user(s))` : '';
  io.stderr.write(`virtop: serving Prometheus metrics on ${scheme}://${formatAddress(srv.host, srv.port)}/metrics${auth}\n`);
  collector.start();
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  collector.stop();
  await srv.close();
  return 0;
}

/** The whole --prometheus mode for main.ts: collector (recorded with --record), signals, exit code. */
export async function runPrometheusMode(opts: Options, uris: string[]): Promise<number> {
  if (opts.prometheus === null) throw new Error('runPrometheusMode without --prometheus');
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.once('SIGHUP', stop);
  const warn = (line: string) => void process.stderr.write(`${line}\n`);
  let feed;
  try {
    feed = await openFeed(opts, { uris, intervalMs: opts.delaySec * 1000, warn });
  } catch (e) {
    if (e instanceof FeedError) {
      warn(`virtop: ${e.message}`);
      return 1;
    }
    throw e;
  }
  let code = 1;
  try {
    code = await runPrometheus(opts.prometheus, feed.collector, { stderr: process.stderr }, abort.signal, opts.webConfigFile, opts.metadataLabels);
  } finally {
    // A libvirt call stuck on a dead host must not hold the exit.
    await settleWithin(feed.collector.close(), EXIT_CLOSE_GRACE_MS);
    const rec = await feed.finish();
    if (rec.message) warn(`virtop: ${rec.message}`);
    if (rec.failed) code = 1;
  }
  // Whatever handle is left (a call stuck on a dead host), the exporter was told to stop.
  const exitCode = code;
  setTimeout(() => process.exit(exitCode), 300).unref();
  return code;
}
