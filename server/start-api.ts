import type { Server } from 'node:http';
import { CREDIT_EXPIRY_SCHEDULE_ID } from '../domain/credits';
import { createApp, type AppDeps } from './app';
import { registerStaffKeys } from './auth';
import { ensureCreditExpirySchedule } from './credit-expiry-schedule';

export interface ApiSetup extends AppDeps {
  port: number;
  /** `role:name:key` entries from configuration, stored hashed before the API answers. */
  staffKeys: readonly { role: string; name: string; key: string }[];
}

/** The HTTP API, listening. */
export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the HTTP API: staff keys from configuration, the credit expiry schedule, then the listener. (Claims
 * stored while Temporal was away wait in the outbox for the claim dispatcher, started beside the API.)
 */
export async function startApi(setup: ApiSetup): Promise<RunningApi> {
  const { db, temporal, logger, taskQueue } = setup;
  await registerStaffKeys(db, setup.staffKeys);
  try {
    await ensureCreditExpirySchedule(temporal, { taskQueue });
  } catch (err) {
    logger.error(
      { err, scheduleId: CREDIT_EXPIRY_SCHEDULE_ID },
      'could not create or update the credit expiry schedule; credits will not expire until it exists',
    );
  }
  const server = await new Promise<Server>((resolve) => {
    const s = createApp(setup).listen(setup.port, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : setup.port;
  const url = `http://127.0.0.1:${port}`;
  logger.info({ apiUrl: url }, 'refund desk listening');
  return {
    url,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
