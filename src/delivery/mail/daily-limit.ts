// The mail account's daily sending limit is reached (Gmail: 2,000 messages a day for a Workspace
// account). Not a failure of this message and not one to retry within the run: the runner stops
// sending, and the rest goes with a later run, once the limit has reset.

export class DailyLimitReached extends Error {
  constructor(
    /** When the mail system says it will accept messages again, when it says so. */
    readonly retryAt: Date | undefined,
    /** The mail system's own words. */
    readonly response: string,
  ) {
    super(`Kontoens daglige grænse for afsendte e-mails er nået${retryAt ? `; der kan sendes igen fra ${retryAt.toISOString()}` : ''}. Resten sendes ved en senere kørsel.`);
    this.name = 'DailyLimitReached';
  }
}
