import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    // one shared Keystone + Glance: test files run one after another so that tables compared
    // byte for byte with `glance` are not disturbed by another file's images
    fileParallelism: false,
    // Bounds against a hang, not measurements: a test against the real stack runs dozens of CLI
    // processes (glance's take ~1 s each even on a quiet machine), and a machine shared with other
    // work is several times slower. A test never passes or fails by how fast the machine is.
    testTimeout: 300_000,
    hookTimeout: 600_000,
    env: { NO_COLOR: '1' },
  },
});
