// The few error classes the program knows. Everything else is a bug and prints its stack.

export type ExitReason = 'problems' | 'usage' | 'config' | 'service';

export const EXIT_CODES: Record<ExitReason | 'ok', number> = {
  ok: 0,
  problems: 1,
  usage: 2,
  config: 2,
  service: 3,
};

/** An error the user can act on; its message is Danish and says what to do. */
export class UserError extends Error {
  constructor(
    readonly reason: ExitReason,
    message: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

const FILE_PROBLEMS: Record<string, string> = {
  EACCES: 'dagsorden må ikke skrive eller læse der',
  EPERM: 'dagsorden må ikke skrive eller læse der',
  EROFS: 'stedet er skrivebeskyttet',
  ENOSPC: 'disken er fuld',
  EDQUOT: 'diskkvoten er brugt op',
  ENOTDIR: 'en del af stien er en fil, ikke en mappe',
  EISDIR: 'stien er en mappe, ikke en fil',
  EEXIST: 'der ligger allerede en fil med det navn',
  ENAMETOOLONG: 'filnavnet er for langt',
  EMFILE: 'for mange åbne filer',
  EIO: 'disken svarer ikke (I/O-fejl)',
};

/**
 * A local file-system failure (an unwritable outbox, an `--out` that is a file, a full disk) as the
 * Danish error the user can act on, exit 3: what the run did is recorded, and the next run continues.
 * Anything else is left as it is (a bug prints its stack).
 */
export function fileSystemError(e: unknown): UserError | undefined {
  const err = e as NodeJS.ErrnoException;
  const what = err && typeof err.code === 'string' ? FILE_PROBLEMS[err.code] : undefined;
  if (!what) return undefined;
  const where = err.path ? ` (${err.path})` : '';
  return new UserError('service', `En fil kunne ikke skrives eller læses${where}: ${what}. Ret mappens placering eller rettigheder (fx --out), og kør igen; det, der allerede er gjort, er gemt.`);
}
