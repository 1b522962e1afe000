// The exporter behind TLS and basic auth (--web.config.file, the format
// Prometheus exporters share): curl with a self-signed certificate made
// here, the right password, a wrong one and none.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN, ROOT, runVirtop } from '../helpers/run.js';

const DIR = mkdtempSync(join(tmpdir(), 'virtop-web-'));
const PASSWORD = 'correct horse battery';
let child: ChildProcess | null = null;
let stderr = '';
let url = '';

function curl(...args: string[]): { code: string; body: string } {
  const r = spawnSync('curl', ['-s', '-o', '-', '-w', '\n%{http_code}', '--cacert', join(DIR, 'cert.pem'), ...args], { encoding: 'utf8', timeout: 10_000 });
  const out = r.stdout ?? '';
  const nl = out.lastIndexOf('\n');
  return { body: out.slice(0, nl), code: out.slice(nl + 1) };
}

beforeAll(async () => {
  assertBuilt();
  const ssl = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(DIR, 'key.pem'), '-out', join(DIR, 'cert.pem')], { encoding: 'utf8' });
  if (ssl.status !== 0) throw new Error(`openssl: ${ssl.stderr}`);
  // relative paths: taken from the config file's directory
  writeFileSync(join(DIR, 'web.yml'), `tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\nbasic_auth_users:\n  alice: ${bcrypt.hashSync(PASSWORD, 4)}\n`);
  child = spawn(process.execPath, [BIN, '--prometheus', '127.0.0.1:0', '--web.config.file', join(DIR, 'web.yml'), '-c', 'test:///default', '-d', '1'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr?.on('data', (d) => (stderr += d));
  url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`exporter did not start: ${stderr}`)), 15_000);
    child?.stderr?.on('data', () => {
      const m = /serving Prometheus metrics on (https:\/\/\S+)\/metrics \(basic auth, 1 user\(s\)\)/.exec(stderr);
      if (m) {
        clearTimeout(t);
        resolve(m[1]);
      }
    });
  });
});

afterAll(() => {
  child?.kill('SIGKILL');
});

describe('the exporter with --web.config.file', () => {
  it('serves /metrics over TLS to the right password; 401 to a wrong one or none; plain HTTP gets nothing', async () => {
    let ok = curl('-u', `alice:${PASSWORD}`, `${url}/metrics`);
    for (let i = 0; i < 50 && ok.code === '503'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      ok = curl('-u', `alice:${PASSWORD}`, `${url}/metrics`);
    }
    expect(ok.code).toBe('200');
    expect(ok.body).toMatch(/^virtop_up\{host="test:\/\/\/default"\} 1$/m);
    expect(curl('-u', 'alice:wrong', `${url}/metrics`)).toMatchObject({ code: '401', body: 'unauthorized\n' });
    expect(curl('-u', `bob:${PASSWORD}`, `${url}/metrics`).code).toBe('401');
    expect(curl(`${url}/metrics`).code).toBe('401');
    expect(curl(`${url}/`).code).toBe('401');
    // the certificate is checked (no -k above); plain HTTP on the TLS port gets no metrics
    expect(curl('-u', `alice:${PASSWORD}`, `${url.replace('https:', 'http:')}/metrics`).body).not.toMatch(/virtop_up/);
    // no password, right or wrong, reaches the exporter's output
    expect(stderr).not.toContain(PASSWORD);
    expect(stderr).not.toContain('wrong');
  });

  it('a bad web config is refused with its name and the reason, exit 2', async () => {
    const bad = join(DIR, 'bad.yml');
    writeFileSync(bad, 'basic_auth_users:\n  alice: plaintext\n');
    let r = await runVirtop(['--prometheus', '127.0.0.1:0', '--web.config.file', bad, '-c', 'test:///default']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--web.config.file ${bad}: basic_auth_users.alice: not a bcrypt hash`);
    writeFileSync(bad, 'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  client_auth_type: RequireAndVerifyClientCert\n');
    r = await runVirtop(['--prometheus', '127.0.0.1:0', '--web.config.file', bad, '-c', 'test:///default']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('tls_server_config.client_auth_type is not supported by virtop');
    r = await runVirtop(['--prometheus', '127.0.0.1:0', '--web.config.file', join(DIR, 'missing.yml'), '-c', 'test:///default']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--web\.config\.file .*missing\.yml: cannot read it/);
  });
});
