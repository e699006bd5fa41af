// The one mail error the runner records per recipient and then carries on: the mail system
// refused this recipient's address. Anything else (no connection, bad login) stops the sending.

export class RecipientRejected extends Error {
  constructor(
    readonly recipient: string,
    /** SMTP reply code (550, 450 …) or HTTP status from an API; absent when unknown. */
    readonly code: number | undefined,
    /** The server's own words, for the log's Detaljer column. */
    readonly response: string,
    /** False for 4xx replies (mailbox busy, greylisting): the next run may try again. */
    readonly permanent: boolean,
  ) {
    super(`Modtageren ${recipient} blev afvist af mailserveren${code ? ` (${code})` : ''}: ${response}`);
    this.name = 'RecipientRejected';
  }
}
