// `dagsorden serve`: shows the built public site on this computer, to look at it before or instead
// of a web server. Runs until stopped (Ctrl+C).

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError, EXIT_CODES } from '../errors.js';
import { createSiteServer } from '../portal/server.js';
import type { ServeOptions } from './options.js';

export async function runServe(opts: ServeOptions, out: (s: string) => void = (s) => process.stdout.write(s + '\n')): Promise<number> {
  const dir = resolve(opts.site);
  if (!existsSync(join(dir, 'index.html'))) {
    throw new UserError('usage', `Der er ingen hjemmeside i ${dir}. Kør "dagsorden publish" først (den skriver hjemmesiden i out/site), eller angiv mappen med --site.`);
  }
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError('usage', `--port "${opts.port}" er ikke et portnummer. Skriv fx 8080.`);
  const server = createSiteServer(dir);
  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      fail(e.code === 'EADDRINUSE' ? new UserError('usage', `Porten ${port} er optaget. Vælg en anden med --port, fx --port 8081.`) : e),
    );
    server.listen(port, opts.host, () => ok());
  });
  const address = server.address();
  const shown = typeof address === 'object' && address ? address.port : port;
  out(`Hjemmesiden fra ${dir} vises på http://${opts.host === '127.0.0.1' ? 'localhost' : opts.host}:${shown}/ (stop med Ctrl+C).`);
  await new Promise<void>((done) => {
    const stop = () => server.close(() => done());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return EXIT_CODES.ok;
}
