// `dagsorden auth`: the one-time Google sign-in in the browser; saves the token the scheduled runs use.

import { spawn } from 'node:child_process';
import { relative, resolve } from 'node:path';
import { EXIT_CODES } from '../errors.js';
import { PACKAGE_ROOT } from '../package-paths.js';
import type { AuthOptions } from './options.js';

export interface AuthIo {
  readonly out: (s: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly openBrowser?: (url: string) => Promise<void> | void;
}

/** Opens the address in the desktop's browser; on a server without one, the printed address is used. */
function openInBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}

const defaultIo: AuthIo = { out: (s) => process.stdout.write(s + '\n'), env: process.env, openBrowser: openInBrowser };

export async function runAuth(opts: AuthOptions, io: AuthIo = defaultIo): Promise<number> {
  const { defaultTokenPath } = await import('../google/client.js');
  const { signIn } = await import('../google/signin.js');
  const tokenFile = resolve(opts.token ?? defaultTokenPath(io.env));
  if (!relative(PACKAGE_ROOT, tokenFile).startsWith('..')) {
    io.out(`Advarsel: ${tokenFile} ligger i programmets mappe. Gem hellere nøglen uden for den (standard: ${defaultTokenPath({ ...io.env, DAGSORDEN_GOOGLE_TOKEN: '' })}), så den ikke kommer med i en kopi eller et git-repo.`);
  }
  const result = await signIn({ clientFile: opts.client, tokenFile, env: io.env, openBrowser: io.openBrowser ?? openInBrowser, say: io.out });
  io.out('');
  io.out(`${result.account ? `Logget ind som ${result.account}. ` : 'Logget ind. '}Nøglen er gemt i ${result.tokenFile} (kun læsbar for dig).`);
  io.out('De planlagte kørsler bruger den automatisk' + (opts.token ? ` når DAGSORDEN_GOOGLE_TOKEN=${result.tokenFile} er sat.` : '.'));
  return EXIT_CODES.ok;
}
