import { defineConfig } from 'vitest/config';

// Three projects so each tier can be run alone:
//   unit   — pure code on fixtures, no libvirt
//   driver — the binding and collector against libvirt's in-process test driver
//   lab    — real libvirtd + QEMU guests built by test/lab/lab.sh
export default defineConfig({
  test: {
    projects: [
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
          testTimeout: 180_000,
          hookTimeout: 300_000,
          // lab tests share real guests and two CPU cores; run files one at a time
          fileParallelism: false,
        },
      },
    ],
  },
});
