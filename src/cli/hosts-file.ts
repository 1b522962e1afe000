// --hosts FILE: one libvirt URI per line; blank lines and # comments
// (whole-line or trailing) are ignored. Errors name the file and line.

import { readFile } from 'node:fs/promises';
import { isLibvirtUri } from '../util/uri.js';

export type HostsFileResult = { ok: true; uris: string[] } | { ok: false; error: string };


export function parseHostsFile(text: string, path: string): HostsFileResult {
  const uris: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/(^|\s)#.*$/, '').trim();
    if (line === '') continue;
    if (!isLibvirtUri(line)) return { ok: false, error: `${path}:${i + 1}: '${line}' is not a libvirt URI (e.g. qemu+ssh://host/system)` };
    uris.push(line);
  }
  if (uris.length === 0) return { ok: false, error: `${path}: no host URIs in the file` };
  return { ok: true, uris: [...new Set(uris)] };
}

export async function readHostsFile(path: string): Promise<HostsFileResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.code === 'EISDIR' ? 'is a directory' : err.message;
    return { ok: false, error: `cannot read hosts file '${path}': ${why}` };
  }
  return parseHostsFile(text, path);
}
