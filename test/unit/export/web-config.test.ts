import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { BasicAuth, loadWebConfig, WebConfigError } from '../../../src/export/web-config.js';

const HASH = bcrypt.hashSync('s3cret', 4);
const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

describe('BasicAuth', () => {
  const auth = new BasicAuth(new Map([['alice', HASH]]));
  it.each([
    ['the right user and password', basic('alice:s3cret'), true],
    ['a wrong password', basic('alice:s3cre'), false],
    ['an unknown user', basic('bob:s3cret'), false],
    ['no colon', basic('alices3cret'), false],
    ['another scheme', 'Bearer abc', false],
    ['nothing', undefined, false],
    ['garbage', 'Basic !!!', false],
    ['a password with a colon in it is all password', basic('alice:s3cret:x'), false],
  ])('%s', (_what, header, ok) => {
    expect(auth.allows(header)).toBe(ok);
  });

  it('without users everyone is let in', () => {
    expect(new BasicAuth(new Map()).allows(undefined)).toBe(true);
  });
});

describe('loadWebConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'virtop-webcfg-'));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('an empty file: no TLS, no users', async () => {
    expect(await loadWebConfig(file('empty.yml', ''))).toEqual({ tls: null, users: new Map() });
  });

  it('users by name with their hashes', async () => {
    const c = await loadWebConfig(file('users.yml', `basic_auth_users:\n  alice: ${HASH}\n`));
    expect([...c.users]).toEqual([['alice', HASH]]);
  });

  it.each([
    ['not YAML', 'a: [1, 2', /not valid YAML/],
    ['a list', '- a\n- b\n', /expected a mapping/],
    ['an unknown key', 'http_server_config:\n  http2: true\n', /'http_server_config' is not supported by virtop/],
    ['a plain password', 'basic_auth_users:\n  alice: hunter2\n', /basic_auth_users.alice: not a bcrypt hash/],
    ['TLS without a key', 'tls_server_config:\n  cert_file: c.pem\n', /tls_server_config needs cert_file and key_file/],
    ['a certificate that is not there', 'tls_server_config:\n  cert_file: nope.pem\n  key_file: nope.key\n', /cannot read cert_file .*nope\.pem/],
  ])('%s is refused, naming the file', async (_what, text, msg) => {
    const p = file('bad.yml', text);
    const e = await loadWebConfig(p).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WebConfigError);
    expect((e as Error).message).toMatch(msg);
    expect((e as Error).message.startsWith(`--web.config.file ${p}: `)).toBe(true);
  });
});
