// What a stand-in API module returns for a request it recognises: the route's name (used for call
// counting and fault matching), its error style, and the handler.

import type { ApiFamily, StandinReply } from './http.js';

export interface RouteMatch {
  /** e.g. `sheets.spreadsheets.values.batchGet`, `drive.files.create`, `gmail.users.messages.send`. */
  readonly name: string;
  readonly family: ApiFamily;
  /** False for the OAuth endpoints, which take no bearer token. */
  readonly authenticated?: boolean;
  handle(): StandinReply | Promise<StandinReply>;
}
