import type { Db } from '../db';
import { saveAccount } from '../db/accounts';
import { importLedgerRecords } from '../db/ledger-import';
import { addStaffKeyIfMissing } from '../db/staff-keys';
import { hashKey } from './auth';

/** Demo staff keys, printed by `npm run dev`; never used outside local development. */
export const DEMO_STAFF_KEYS = {
  agent: 'demo-agent-key',
  lead: 'demo-lead-key',
  finance: 'demo-finance-key',
  admin: 'demo-admin-key',
  operator: 'demo-operator-key',
} as const;

export const DEMO_ACCOUNTS = [
  { id: 'acct_pixazo_demo', email: 'dev@pixazo-customer.example', policyId: 'pixazo-api' },
  { id: 'acct_apiany_demo', email: 'dev@apiany-customer.example', policyId: 'apiany' },
  { id: 'acct_imaginator_demo', email: 'dev@imaginator-customer.example', policyId: 'imaginator' },
  { id: 'acct_sora2_demo', email: 'dev@sora2-customer.example', policyId: 'sora2-api' },
] as const;

const HOUR = 3_600_000;

/** A small, idempotent data set: re-running `npm run dev` keeps what is already there. */
export async function seedDemoData(db: Db, knownPolicies: ReadonlySet<string>, now = new Date()): Promise<void> {
  for (const [role, key] of Object.entries(DEMO_STAFF_KEYS)) {
    await addStaffKeyIfMissing(db, { keyHash: hashKey(key), name: `demo-${role}`, role });
  }
  const accounts = DEMO_ACCOUNTS.filter((a) => knownPolicies.has(a.policyId));
  for (const a of accounts) {
    await saveAccount(
      db,
      { id: a.id, email: a.email, policyId: a.policyId, status: 'active', currency: 'USD' },
      { keepExisting: true },
    );
  }
  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * HOUR).toISOString();
  const requests = accounts.flatMap((a) => {
    const base = { accountId: a.id, endpoint: '/v1/images/generate', model: 'sdxl-turbo', currency: 'USD' };
    return [
      {
        ...base,
        requestId: `req_${a.id}_5xx_1`,
        httpStatus: 502,
        outcome: 'error' as const,
        amountMinor: 120,
        outputDelivered: false,
        startedAt: at(30),
        completedAt: at(30),
      },
      {
        ...base,
        requestId: `req_${a.id}_5xx_2`,
        httpStatus: 500,
        outcome: 'error' as const,
        amountMinor: 120,
        outputDelivered: false,
        startedAt: at(29),
        completedAt: at(29),
      },
      {
        ...base,
        requestId: `req_${a.id}_4xx_1`,
        httpStatus: 429,
        outcome: 'error' as const,
        amountMinor: 40,
        outputDelivered: false,
        startedAt: at(28),
        completedAt: at(28),
      },
      {
        ...base,
        requestId: `req_${a.id}_ok_1`,
        httpStatus: 200,
        outcome: 'success' as const,
        amountMinor: 120,
        outputDelivered: true,
        startedAt: at(27),
        completedAt: at(27),
      },
    ];
  });
  if (requests.length) await importLedgerRecords(db, 'requests', requests);
  const charges = accounts.map((a) => ({
    transactionId: `txn_${a.id}_1`,
    invoiceNumber: `INV-${a.id}-1`,
    paymentReference: `pi_${a.id}_1`,
    accountId: a.id,
    amountMinor: 5000,
    currency: 'USD',
    kind: 'credit_purchase' as const,
    periodStart: null,
    periodEnd: null,
    createdAt: at(72),
  }));
  if (charges.length) await importLedgerRecords(db, 'charges', charges);
}
