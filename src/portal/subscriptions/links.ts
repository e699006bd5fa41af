// The addresses of the subscription endpoint under the site's address: `dagsorden serve` answers
// them (endpoint.ts); on a web server or bucket, `abonnement/` is routed to it.

import { absolute } from '../addresses.js';

/** The endpoint's folder, site-relative. */
export const SUBSCRIPTION_ROOT = 'abonnement/';

export const endpointPaths = {
  signUp: `${SUBSCRIPTION_ROOT}tilmeld`,
  confirm: `${SUBSCRIPTION_ROOT}bekraeft`,
  unsubscribe: `${SUBSCRIPTION_ROOT}afmeld`,
  manage: SUBSCRIPTION_ROOT,
} as const;

/** The links a subscriber's e-mails carry: her token is the only key. */
export function subscriptionLinks(site: string, token: string): { unsubscribe: string; manage: string; confirm: string } {
  const q = `?t=${encodeURIComponent(token)}`;
  return {
    unsubscribe: absolute(site, endpointPaths.unsubscribe + q),
    manage: absolute(site, endpointPaths.manage + q),
    confirm: absolute(site, endpointPaths.confirm + q),
  };
}
