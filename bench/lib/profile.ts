// CPU profile of a piece of work with the inspector (main JS thread only:
// libuv and libvirt worker threads are not sampled). Writes the
// .cpuprofile (open it in Chrome DevTools or speedscope) and returns the
// functions with the most self time.

import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './util.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface HotFunction {
  name: string;
  where: string;
  selfPercent: number;
  selfMs: number;
}

function where(url: string, line: number): string {
  if (!url) return '(native)';
  let p = url;
  try {
    if (url.startsWith('file:')) p = relative(repoRoot(), fileURLToPath(url));
  } catch {
    /* keep the URL */
  }
  return `${p}:${line + 1}`;
}

export async function profile(fn: () => Promise<void>, outFile: string, top = 15): Promise<HotFunction[]> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    await fn();
    const { profile: prof } = (await session.post('Profiler.stop')) as unknown as {
      profile: { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] };
    };
    writeFileSync(outFile, JSON.stringify(prof));
    const totalMs = (prof.endTime - prof.startTime) / 1000;
    const totalHits = prof.samples.length || 1;
    const agg = new Map<string, { name: string; where: string; hits: number }>();
    for (const n of prof.nodes) {
      const name = n.callFrame.functionName || '(anonymous)';
      const w = where(n.callFrame.url, n.callFrame.lineNumber);
      const key = `${name}@${w}`;
      const e = agg.get(key) ?? { name, where: w, hits: 0 };
      e.hits += n.hitCount ?? 0;
      agg.set(key, e);
    }
    return [...agg.values()]
      .filter((e) => e.name !== '(root)')
      .sort((a, b) => b.hits - a.hits)
      .slice(0, top)
      .map((e) => ({ name: e.name, where: e.where, selfPercent: (e.hits / totalHits) * 100, selfMs: (e.hits / totalHits) * totalMs }));
  } finally {
    session.disconnect();
  }
}
