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
  /** How long a chargeback action's answer waits for the workflow (default ACTION_ANSWER_WAIT_MS). */
  actionAnswerWaitMs?: number;
}
