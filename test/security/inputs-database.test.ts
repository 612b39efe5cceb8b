import type { AddressInfo } from 'node:net';
import { DatabaseError } from 'pg';
import { ulid } from 'ulid';
import { createDb } from '../../db';
import type { PolicyStore } from '../../db/policies';
import { createApp } from '../../server/app';
import { toHttpError } from '../../server/errors';
import { connectTemporal } from '../../server/temporal';
import { createLogger } from '../../wiring/logger';
import { KEYS, startDesk, type Desk } from '../integration/desk-harness';
import { rowCounts } from './inputs-support';

/** #12 §3: PostgreSQL's own text (constraint names, values, SQL) never reaches a client; the request id does. */
let d: Desk;

beforeAll(async () => {
  d = await startDesk();
});

afterAll(async () => {
  await d?.close();
});

describe('PostgreSQL errors', () => {
  it('answers a refusal the schemas let through with a generic 422 and the request id, without PostgreSQL text', async () => {
    // A rule only PostgreSQL knows, so the refusal comes from the database itself.
    const marker = `pg-refuses-${ulid().toLowerCase()}@inputs.example`;
    await d.db.query(`ALTER TABLE accounts ADD CONSTRAINT inputs_secret_rule CHECK (email <> '${marker}')`);
    try {
      const before = await rowCounts(d);
      const answer = await d.call('PUT', `/v1/accounts/acct_${ulid()}`, {
        bearer: KEYS.operator,
        body: { email: marker, policyId: 'pixazo-api' },
      });
      expect(answer).toEqual({
        status: 422,
        body: { error: 'a value is outside what the ledger can store', requestId: expect.any(String) },
      });
      expect(JSON.stringify(answer.body)).not.toMatch(/inputs_secret_rule|violates|accounts|pg-refuses/);
      expect(await rowCounts(d)).toEqual(before);
    } finally {
      await d.db.query('ALTER TABLE accounts DROP CONSTRAINT inputs_secret_rule');
    }
  });

  it('refuses a NUL character in a processor’s dispute text as a 400 naming the field, and stores nothing', async () => {
    // Found by schemathesis: the schema let it through and PostgreSQL refused it, a 422 the route does not document.
    const id = ulid().toLowerCase();
    const before = await rowCounts(d);
    const answer = await d.call('POST', '/v1/chargebacks', {
      bearer: KEYS.operator,
      body: {
        processor: 'adyen',
        eventId: `adyen_nul_${id}`,
        type: 'updated',
        occurredAt: new Date().toISOString(),
        dispute: {
          id: `adyen_dp_nul_${id}`,
          chargeRef: `ch_nul_${id}`,
          amountMinor: 5000,
          currency: 'USD',
          reason: 'fraud\u0000ulent',
          status: 'needs_response',
        },
      },
    });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toMatch(/reason/);
    expect(JSON.stringify(answer.body)).toMatch(/NUL/);
    expect(await rowCounts(d)).toEqual(before);
  });

  it('maps a unique violation to a 409 that names no constraint or value', () => {
    const err = new DatabaseError('duplicate key value violates unique constraint "claims_pkey"', 100, 'error');
    err.code = '23505';
    err.detail = 'Key (id)=(clm_secret) already exists.';
    const answer = toHttpError(err)!;
    expect({ status: answer.status, message: answer.message }).toEqual({
      status: 409,
      message: 'conflicts with an existing record',
    });
  });

  it('leaves any other PostgreSQL failure to the 500 handler, which sends only the request id', () => {
    const err = new DatabaseError('relation "secret_table" does not exist', 100, 'error');
    err.code = '42P01';
    expect(toHttpError(err)).toBeUndefined();
  });

  it('has /healthz name an unreachable PostgreSQL without its error text', async () => {
    // A real pool against a port nobody listens on, and the run's real Temporal server.
    const deadDb = createDb('postgres://secret_user:secret_pw@127.0.0.1:1/secret_db');
    const temporal = await connectTemporal(process.env.TEMPORAL_ADDRESS!, process.env.TEMPORAL_NAMESPACE ?? 'default');
    const app = createApp({
      db: deadDb,
      temporal,
      policies: {} as PolicyStore,
      logger: createLogger('silent'),
      taskQueue: 'unused',
      claimTokenSecret: 'unused-secret-0123456789',
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`);
      const text = await res.text();
      expect({ status: res.status, body: JSON.parse(text) }).toEqual({
        status: 503,
        body: {
          status: 'degraded',
          postgres: { ok: false, error: 'PostgreSQL cannot be reached; the server log has the detail' },
          temporal: { ok: true },
        },
      });
      expect(text).not.toMatch(/ECONNREFUSED|secret_|127\.0\.0\.1/);
    } finally {
      server.close();
      await deadDb.end();
      await temporal.connection.close();
    }
  });
});
