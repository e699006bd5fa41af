// The narrow interface the subscription endpoint and the scheduled job keep subscriptions behind.
// The embedded default keeps them in an SQLite file (src/local/subscriptions.ts); a Google
// deployment's store implements the same three calls.

import type { Subscription } from './rules.js';

export interface SubscriptionStore {
  readonly description: string;
  /** Every subscription, confirmed or not. */
  all(): Promise<Subscription[]>;
  /** Inserts, or replaces the one with the same id; durable when it returns. */
  put(subscription: Subscription): Promise<void>;
  /** Deletes these subscriptions (unsubscribed, or unconfirmed and expired); durable when it returns. */
  remove(ids: readonly string[]): Promise<void>;
}
