import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    // one shared Keystone + Glance: test files run one after another so that tables compared
    // byte for byte with `glance` are not disturbed by another file's images
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    env: { NO_COLOR: '1' },
  },
});
