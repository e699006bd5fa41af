// Writing a result that is known: a message went, so its record must be written. A failing write is
// tried again a few times before the run gives up (and the next run asks the transport instead).

import type { LogEntry, StateStore } from '../delivery/ports.js';

const defaultRetryDelay = (attempt: number): Promise<void> => new Promise((r) => setTimeout(r, 50 * attempt));

export async function writeInsisting(state: StateStore, entries: LogEntry[], delay: (attempt: number) => Promise<void> = defaultRetryDelay, attempts = 5): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await state.appendLog(entries);
      return;
    } catch (e) {
      if (i >= attempts) throw e;
      await delay(i);
    }
  }
}
