import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileStderrCapture, stderrLogPath } from '../../../src/app/stderr-capture.js';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'virtop-stderr-'));
  const path = join(dir, 'state', 'virtop', 'virtop.log');
  const calls: string[] = [];
  const cap = fileStderrCapture(path, { redirect: (p) => calls.push(`redirect ${p}`), restore: () => calls.push('restore') });
  return { path, calls, cap };
}

describe('fileStderrCapture', () => {
  it('redirects on start, hands over only this run’s complete lines, restores on stop', () => {
    const { path, calls, cap } = setup();
    cap.start();
    expect(calls).toEqual([`redirect ${path}`]);
    appendFileSync(path, 'libvirt: error : internal error: connection closed\n  \nI/O warning : failed to load ');
    expect(cap.take()).toEqual(['libvirt: error : internal error: connection closed']);
    expect(cap.take()).toEqual([]);
    appendFileSync(path, 'external entity "/x.xml"\n');
    expect(cap.take()).toEqual(['I/O warning : failed to load external entity "/x.xml"']);
    cap.stop();
    cap.stop();
    expect(calls).toEqual([`redirect ${path}`, 'restore']);
    appendFileSync(path, 'after\n');
    expect(cap.take()).toEqual([]);
  });

  it('leaves older runs’ lines in the file alone, and starts over when the file is truncated', () => {
    const { path, cap } = setup();
    cap.start(); // creates the directories
    cap.stop();
    writeFileSync(path, 'an old run\n');
    cap.start();
    expect(cap.take()).toEqual([]);
    writeFileSync(path, 'new\n');
    expect(cap.take()).toEqual(['new']);
  });

  it('lives in the state directory', () => {
    expect(stderrLogPath({ XDG_STATE_HOME: '/s' }, '/home/u')).toBe('/s/virtop/virtop.log');
    expect(stderrLogPath({}, '/home/u')).toBe('/home/u/.local/state/virtop/virtop.log');
  });
});
