// The exporter's web configuration file, in the format Prometheus exporters
// share (exporter-toolkit's --web.config.file): TLS with a certificate and a
// key, and basic-auth users with bcrypt password hashes. Only what virtop
// supports is accepted; anything else is refused by name rather than
// silently ignored, since a security setting that does nothing is worse than
// an error.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import bcrypt from 'bcryptjs';
import { parse } from 'yaml';

export class WebConfigError extends Error {}

export interface WebConfig {
  /** TLS: PEM certificate (chain) and key, as read from the files */
  tls: { cert: Buffer; key: Buffer } | null;
  /** user → bcrypt hash; empty: no authentication */
  users: ReadonlyMap<string, string>;
}

const TOP_KEYS = new Set(['tls_server_config', 'basic_auth_users']);
const TLS_KEYS = new Set(['cert_file', 'key_file']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads and checks the file; relative certificate paths are taken from its directory, as exporter-toolkit does. */
export async function loadWebConfig(path: string): Promise<WebConfig> {
  const fail = (msg: string): never => {
    throw new WebConfigError(`--web.config.file ${path}: ${msg}`);
  };
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    return fail(`cannot read it: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100 });
  } catch (e) {
    return fail(`not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return { tls: null, users: new Map() };
  if (!isObject(doc)) return fail('expected a mapping with tls_server_config and/or basic_auth_users');
  for (const k of Object.keys(doc)) if (!TOP_KEYS.has(k)) fail(`'${k}' is not supported by virtop (it reads tls_server_config and basic_auth_users)`);

  let tls: WebConfig['tls'] = null;
  const t = doc.tls_server_config;
  if (t !== undefined && t !== null) {
    if (!isObject(t)) return fail('tls_server_config must be a mapping');
    for (const k of Object.keys(t)) if (!TLS_KEYS.has(k)) fail(`tls_server_config.${k} is not supported by virtop (it reads cert_file and key_file)`);
    if (typeof t.cert_file !== 'string' || typeof t.key_file !== 'string') fail('tls_server_config needs cert_file and key_file');
    const at = (p: string) => (isAbsolute(p) ? p : join(dirname(path), p));
    const read = async (what: string, p: string) => readFile(at(p)).catch((e: Error) => fail(`cannot read ${what} ${at(p)}: ${e.message}`));
    tls = { cert: await read('cert_file', t.cert_file as string), key: await read('key_file', t.key_file as string) };
  }

  const users = new Map<string, string>();
  const u = doc.basic_auth_users;
  if (u !== undefined && u !== null) {
    if (!isObject(u)) return fail('basic_auth_users must map user names to bcrypt hashes');
    for (const [name, hash] of Object.entries(u)) {
      if (typeof hash !== 'string' || !/^\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}$/.test(hash)) fail(`basic_auth_users.${name}: not a bcrypt hash (make one with htpasswd -nBC 10 "" | tr -d ':\\n')`);
      users.set(name, hash as string);
    }
  }
  return { tls, users };
}

/**
 * Checks an Authorization header against the users. bcrypt is slow on
 * purpose, so a pair that passed (or failed) is remembered by a digest of
 * it, never the password itself: a scrape every few seconds costs one hash.
 */
export class BasicAuth {
  private readonly seen = new Map<string, boolean>();

  constructor(private readonly users: ReadonlyMap<string, string>) {}

  get enabled(): boolean {
    return this.users.size > 0;
  }

  allows(header: string | undefined): boolean {
    if (!this.enabled) return true;
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
    if (!m) return false;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const user = decoded.slice(0, colon);
    const hash = this.users.get(user);
    if (hash === undefined) return false;
    const key = createHash('sha256').update(`${user}\0${decoded.slice(colon + 1)}`).digest('hex');
    let ok = this.seen.get(key);
    if (ok === undefined) {
      ok = bcrypt.compareSync(decoded.slice(colon + 1), hash);
      // bounded: a guessing client must not grow it without end
      if (this.seen.size > 1000) this.seen.clear();
      this.seen.set(key, ok);
    }
    return ok;
  }
}
