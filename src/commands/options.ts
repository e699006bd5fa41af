// The options each command receives from the command line (kept apart so cli.ts stays import-light).

import type { SourceOptions } from './wiring.js';

export interface RenderOptions extends SourceOptions {
  meeting: string;
  kind: 'dagsorden' | 'referat';
  edition?: 'medlemmer' | 'offentlig';
  /** Comma list: `docx,pdf`. */
  format: string;
  out: string;
}

export interface PublishOptions extends SourceOptions {
  now?: string;
  dryRun?: boolean;
  out: string;
  /** A folder for the public site instead of `<out>/site` or the bucket. */
  site?: string;
}

export interface ServeOptions extends SourceOptions {
  site: string;
  port: string;
  host: string;
  /** The embedded default's folder: the subscriptions' database and the outbox. Default `out`. */
  out: string;
}

export interface InitSheetOptions {
  title: string;
  withExample?: boolean;
}

export interface AuthOptions {
  client: string;
  token?: string;
}
