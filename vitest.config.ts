import { defineConfig } from 'vitest/config';

// Like bin/virtop: /proc and file reads use libuv's pool, which scans of
// many QEMU threads keep busy (libvirt calls run on the addon's own threads);
// test workers inherit this before their pool starts.
process.env.UV_THREADPOOL_SIZE ??= '32';

// Five projects so each tier can be run alone (scripts/test.sh runs them one
// after another; docs/testing.md says what each needs):
//   unit   — pure code on fixtures, no libvirt
//   driver — the binding, collector and CLI against libvirt's in-process test driver
//   e2e    — the real program in tmux against the demo host
//   lab    — real libvirtd + QEMU guests built by test/lab/lab.sh
//   soak   — 500 test-driver domains for VIRTOP_SOAK_MINUTES
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'soak',
          include: ['test/soak/**/*.test.ts'],
          environment: 'node',
          // Its own process with gc exposed, so RSS readings are after a collection.
          execArgv: ['--expose-gc'],
        },
      },
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'driver',
          include: ['test/driver/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'lab',
          include: ['test/lab/**/*.test.ts'],
          environment: 'node',
          // one run at a time per machine (scripts/lab-lock.sh), and libvirtd answering before each file
          globalSetup: ['test/lab/global-setup.ts'],
          setupFiles: ['test/lab/setup-file.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          // lab tests share real guests and two CPU cores; run files one at a time
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          // the real program in tmux against the demo host: one terminal at a time
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
