// `dagsorden serve`: the public site's server on this computer, and the endpoint where citizens
// subscribe by e-mail (`abonnement/`: sign-up, confirm, unsubscribe, manage; issue 21). The
// subscriptions are kept in `<out>/.dagsorden/abonnenter.sqlite`, or with `--sheet` in the Sheet's
// tab Abonnenter; `dagsorden publish` reads them there to send the notices. Runs until stopped (Ctrl+C).

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadTemplate } from '../documents/template.js';
import { UserError, EXIT_CODES } from '../errors.js';
import { fileOf, paths } from '../portal/addresses.js';
import { DEFAULT_SITE_ADDRESS } from '../portal/input.js';
import { createSiteServer } from '../portal/server.js';
import type { EndpointHandler } from '../portal/subscriptions/endpoint.js';
import type { ServeOptions } from './options.js';
import { wire } from './wiring.js';

/**
 * The subscription endpoint, when the workbook has an Afsender to send the confirmation mails from.
 * Without one the site is served as it is and the run says why citizens cannot subscribe.
 */
async function subscriptionsFor(opts: ServeOptions, site: string, env: NodeJS.ProcessEnv, out: (s: string) => void, err: (s: string) => void): Promise<EndpointHandler | undefined> {
  const wiring = await wire({ ...(opts.workbook ? { workbook: opts.workbook } : {}), ...(opts.sheet ? { sheet: opts.sheet } : {}), out: opts.out, sends: true }, env);
  const { settings } = wiring.model;
  if (!settings.sender) {
    out('Tilmelding til e-mails er slået fra: Indstillinger → Afsender er tom, så der kan ikke sendes bekræftelser. Udfyld den, og start igen.');
    return undefined;
  }
  const { subscriptionEndpoint } = await import('../portal/subscriptions/endpoint.js');
  const template = await loadTemplate(env.DAGSORDEN_TEMPLATES || undefined);
  // The Sheet's tab Abonnenter with --sheet, else the SQLite file under --out: where the job reads them.
  const store = await wiring.openSubscriptionStore();
  const endpoint = subscriptionEndpoint({
    store,
    mail: wiring.mail,
    settings,
    layout: { organisation: settings.organisation || template.organisation.organisation, template, siteAddress: settings.siteAddress ?? DEFAULT_SITE_ADDRESS, timeZone: settings.timeZone },
    // Only a forum or a case with a page on the site can be followed.
    exists: async (kind, target) => existsSync(join(site, fileOf(kind === 'forum' ? paths.forum(target) : paths.case(target)))),
    onError: (e) => err(`Tilmeldingen kunne ikke gennemføres: ${e instanceof Error ? e.message : String(e)}`),
  });
  out(`Tilmeldinger til e-mails gemmes i ${store.description}; bekræftelser sendes via ${wiring.mail.description}.`);
  return endpoint;
}

export async function runServe(
  opts: ServeOptions,
  out: (s: string) => void = (s) => process.stdout.write(s + '\n'),
  env: NodeJS.ProcessEnv = process.env,
  err: (s: string) => void = (s) => process.stderr.write(s + '\n'),
): Promise<number> {
  const dir = resolve(opts.site);
  if (!existsSync(join(dir, 'index.html'))) {
    throw new UserError('usage', `Der er ingen hjemmeside i ${dir}. Kør "dagsorden publish" først (den skriver hjemmesiden i out/site), eller angiv mappen med --site.`);
  }
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError('usage', `--port "${opts.port}" er ikke et portnummer. Skriv fx 8080.`);
  const endpoint = await subscriptionsFor(opts, dir, env, out, err);
  const server = createSiteServer(dir, endpoint);
  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      fail(e.code === 'EADDRINUSE' ? new UserError('usage', `Porten ${port} er optaget. Vælg en anden med --port, fx --port 8081.`) : e),
    );
    server.listen(port, opts.host, () => ok());
  });
  // Unconfirmed sign-ups are deleted once their 7 days are up: at start, then every hour.
  const purge = endpoint ? setInterval(() => void endpoint.purge().catch(() => undefined), 3_600_000) : undefined;
  purge?.unref();
  await endpoint?.purge();
  const address = server.address();
  const shown = typeof address === 'object' && address ? address.port : port;
  out(`Hjemmesiden fra ${dir} vises på http://${opts.host === '127.0.0.1' ? 'localhost' : opts.host}:${shown}/ (stop med Ctrl+C).`);
  await new Promise<void>((done) => {
    const stop = () => server.close(() => done());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  if (purge) clearInterval(purge);
  return EXIT_CODES.ok;
}
