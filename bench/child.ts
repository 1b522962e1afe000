// Entry of the bench's child processes (see lib/child.ts): runs one section
// in a fresh process and sends its result to the parent over IPC.
//
//   node --expose-gc bench/dist/bench/child.js SECTION 'JSON-ARGS'

import type { EventLoopArgs } from './sections/eventloop.js';
import type { MemoryArgs } from './sections/memory.js';
import type { RenderArgs } from './sections/render.js';
import type { SyntheticArgs } from './sections/synthetic.js';

// Each section's module is loaded only in its own child, so the memory
// section's RSS holds the model's code and not the collector's, the
// binding's or the UI's.
async function main(): Promise<unknown> {
  const [section, raw] = process.argv.slice(2);
  const args: unknown = JSON.parse(raw ?? '{}');
  switch (section) {
    case 'memory':
      return (await import('./sections/memory.js')).benchMemory(args as MemoryArgs);
    case 'eventloop':
      return (await import('./sections/eventloop.js')).eventLoopChild(args as EventLoopArgs);
    case 'render':
      return (await import('./sections/render.js')).renderChild(args as RenderArgs);
    case 'synthetic':
      return (await import('./sections/synthetic.js')).syntheticChild(args as SyntheticArgs);
    default:
      throw new Error(`unknown child section '${section}'`);
  }
}

// The parent going away ends this process too.
process.on('disconnect', () => process.exit(1));

main().then(
  (value) => process.send?.({ ok: true, value }, () => process.exit(0)),
  (e: unknown) => process.send?.({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }, () => process.exit(1)),
);
