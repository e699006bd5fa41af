import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every test, after it ran: no stand-in met a request or gave an answer outside Google's contract.
    setupFiles: ['test/standin/contract-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // LibreOffice and local servers: keep parallelism modest on a 2-core machine.
    maxWorkers: 2,
    // NOTE: the test files share their worker's modules instead of loading every module again per
    // file (about 20 s less on 2 cores). Safe because no test changes a module's state; the one test
    // that sets an environment variable (TMPDIR, test/documents/in-memory.test.ts) puts it back.
    isolate: false,
  },
});
