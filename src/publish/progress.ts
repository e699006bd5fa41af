// Progress of a run: readable Danish lines on a terminal, one JSON object per line otherwise (cron,
// systemd and cloud logging read those).

import type { Action } from './plan.js';
import { describeAction } from './plan.js';
import type { ProgressEvent } from './run.js';

function actionFields(a: Action): Record<string, unknown> {
  const { kind, ...rest } = a;
  return { action: kind, ...rest };
}

export function createReporter(write: (line: string) => void, human: boolean, clock: () => Date = () => new Date()): (e: ProgressEvent) => void {
  if (!human) {
    return (e) => {
      const base = { time: clock().toISOString(), severity: e.event === 'failed' ? 'WARNING' : 'INFO', event: e.event };
      const fields =
        e.event === 'done' || e.event === 'failed'
          ? { ...actionFields(e.action), message: describeAction(e.action), ...(e.event === 'failed' ? { detail: e.detail } : {}) }
          : e.event === 'plan'
            ? { actions: e.actions, heldBack: e.heldBack }
            : e.event === 'busy'
              ? { message: e.detail }
              : { published: e.published, sent: e.sent, failed: e.failed };
      write(JSON.stringify({ ...base, ...fields }));
    };
  }
  return (e) => {
    switch (e.event) {
      case 'plan':
        for (const h of e.heldBack) write(`  · ${h.meetingId}: ${h.reason}`);
        write(e.actions === 0 ? 'Intet at gøre: alt er udgivet og sendt.' : `Plan: ${e.actions} ${e.actions === 1 ? 'handling' : 'handlinger'}.`);
        break;
      case 'busy':
        write(e.detail);
        break;
      case 'done':
        write(`  ✓ ${describeAction(e.action)}`);
        break;
      case 'failed':
        write(`  ✗ ${describeAction(e.action)}: ${e.detail}`);
        break;
      case 'finished':
        write(`Færdig: ${e.published} dokumenter udgivet, ${e.sent} e-mails sendt${e.failed ? `, ${e.failed} fejlede` : ''}.`);
        break;
    }
  };
}
