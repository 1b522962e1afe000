// Entry point of `npm run bench`. Sizes libuv's thread pool like bin/virtop
// does (it must be set before the pool's first use, hence before importing
// anything that does I/O), then runs bench/main.ts.

process.env.UV_THREADPOOL_SIZE ??= '32';

const { main } = await import('./main.js');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);

export {};
