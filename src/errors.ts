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
