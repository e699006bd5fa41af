// Runs before every test file (vitest.config.ts `setupFiles`): after each test, no running stand-in
// may have met a breach of Google's contract: no request Google would refuse, no answer Google's
// response schema does not allow. A test that provokes one on purpose empties `standin.contract`.

import { afterEach } from 'vitest';
import { runningStandins } from './server.js';

afterEach(() => {
  const breaches = [...runningStandins].flatMap((s) => s.contract.splice(0));
  if (breaches.length) throw new Error(`Google's contract was broken (test/standin/contract.ts):\n${[...new Set(breaches)].join('\n')}`);
});
