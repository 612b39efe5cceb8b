import type { Client } from '@temporalio/client';
import type { Db } from '../../db';
import type { PolicyStore } from '../../db/policies';
import type { Logger } from 'pino';

/** What the console needs from the app: the same pool, Temporal client and policies as the API. */
export interface ConsoleDeps {
  db: Db;
  temporal: Client;
  policies: PolicyStore;
  logger: Logger;
  claimTokenSecret: string;
  security?: { consoleSessionSecret: string };
}
