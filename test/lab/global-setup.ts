// The lab project's global setup: the machine-wide lab lock
// (scripts/lab-lock.sh) for runs that did not come through scripts/test.sh,
// e.g. `npx vitest run test/lab/actions.test.ts`. Another run holding the lab
// would restart libvirtd and recreate guests of the same names under this one.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const LOCK = process.env.VIRTOP_LAB_LOCK ?? '/run/lock/virtop-lab.lock';
const WAIT_SEC = Number(process.env.VIRTOP_LAB_LOCK_WAIT ?? 3600);

function holder(): string {
  try {
    return readFileSync(LOCK, 'utf8').trim() || 'holder unknown';
  } catch {
    return 'holder unknown';
  }
}

/** Resolves once a flock(1) child holds the lock; it holds it until its stdin closes (this process ends). */
function acquire(): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    mkdirSync(dirname(LOCK), { recursive: true });
    // -o: the shell and cat do not keep the descriptor; flock itself holds the lock.
    const child = spawn('flock', ['-o', '-E', '75', '-w', String(WAIT_SEC), LOCK, 'sh', '-c', 'echo locked; exec cat'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const waitingNote = setTimeout(() => {
      process.stderr.write(`lab: another virtop test run holds ${LOCK} (${holder()}); waiting up to ${WAIT_SEC}s for it to end\n`);
    }, 1000);
    child.on('error', (e) => {
      clearTimeout(waitingNote);
      reject(new Error(`lab: cannot run flock for ${LOCK}: ${e.message} (install util-linux)`));
    });
    child.on('exit', (code) => {
      clearTimeout(waitingNote);
      reject(new Error(code === 75 ? `lab: gave up after ${WAIT_SEC}s waiting for ${LOCK} (${holder()})` : `lab: flock on ${LOCK} exited with status ${code}`));
    });
    child.stdout!.once('data', () => {
      clearTimeout(waitingNote);
      child.removeAllListeners('exit');
      resolve(child);
    });
  });
}

export default async function setup(): Promise<(() => void) | undefined> {
  if (process.env.VIRTOP_LAB_LOCK_HELD) return undefined; // scripts/test.sh holds it for the whole run
  const child = await acquire();
  writeFileSync(LOCK, `pid ${process.pid} (vitest) in ${process.cwd()} since ${new Date().toISOString()}\n`);
  process.env.VIRTOP_LAB_LOCK_HELD = '1';
  return () => {
    child.stdin!.end();
  };
}
