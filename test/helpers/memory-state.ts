// An in-memory StateStore for the generated suites: the same contract as the local log file
// (append is durable when it returns), with optional faults, and no disk in the way.

import type { LogEntry, StateStore, WriteBack } from '../../src/delivery/ports.js';

export interface MemoryState extends StateStore {
  readonly log: LogEntry[];
  lastWriteBack?: WriteBack;
  /** Called before each write; throw from it to make that write fail (nothing is written). */
  beforeWrite?: () => void;
}

export function memoryState(): MemoryState {
  const store: MemoryState = {
    description: 'minnet',
    log: [],
    async readLog(): Promise<LogEntry[]> {
      return store.log.map((e) => ({ ...e }));
    },
    async appendLog(entries: readonly LogEntry[]): Promise<void> {
      store.beforeWrite?.();
      store.log.push(...entries.map((e) => ({ ...e })));
    },
    async writeBack(update: WriteBack, log: readonly LogEntry[] = []): Promise<void> {
      store.beforeWrite?.();
      store.log.push(...log.map((e) => ({ ...e })));
      store.lastWriteBack = update;
    },
  };
  return store;
}
