// Shared helpers for the driver-tier tests (libvirt's in-process test driver).
import { fileURLToPath } from 'node:url';

import { Connection } from '../../../src/libvirt/index.js';

/** The domain test:///default always starts with. */
export const DEFAULT_URI = 'test:///default';
export const DEFAULT_DOMAIN = {
  name: 'test',
  uuid: '6695eb01-f6a4-8304-79aa-97f2502e193f',
} as const;

export const ODD_XML = fileURLToPath(new URL('../../fixtures/libvirt/odd-names.xml', import.meta.url));
/** test:///<abs path>: each open gets a private copy of the fixture's state. */
export const ODD_URI = `test://${ODD_XML}`;

export const ODD = {
  web: {
    name: `web "prod" 'α' $(x) \`id\`; rm -rf & <ü> 日本`,
    uuid: '7a3c1e2f-0d4b-4c5a-9e8f-1b2c3d4e5f60',
  },
  stopped: { name: 'stopped ünïcødé', uuid: '7a3c1e2f-0d4b-4c5a-9e8f-1b2c3d4e5f61' },
  ephemeral: { name: 'ephemeral', uuid: '7a3c1e2f-0d4b-4c5a-9e8f-1b2c3d4e5f62' },
} as const;

export const UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000';

/**
 * Opens connections and remembers them so afterEach can close them all.
 * test:///default is shared by every open connection in a process and only
 * resets once the last one is closed, so tests must not leak connections.
 */
export class ConnectionPool {
  #open: Connection[] = [];

  async open(uri: string, readonly = false): Promise<Connection> {
    const c = await Connection.open(uri, { readonly });
    this.#open.push(c);
    return c;
  }

  async closeAll(): Promise<void> {
    const all = this.#open;
    this.#open = [];
    await Promise.all(all.filter((c) => c.isOpen()).map((c) => c.close()));
  }
}

/** Polls `pred` every 10 ms until it holds or `timeoutMs` passes. */
export async function waitFor(pred: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!pred()) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Text of the first <tag>…</tag> in libvirt XML, with entities decoded. */
export function xmlText(xml: string, tag: string): string | null {
  const m = new RegExp(`<${tag}(?:\\s[^>]*)?>([^<]*)</${tag}>`).exec(xml);
  if (!m) return null;
  return m[1]!
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
