import type { z } from 'zod';
import type { ChargeRecord, OutageRecord, UsageRequestRecord } from '../server/schemas';
import type { Queryable } from './index';

export interface ImportResult {
  received: number;
  inserted: number;
  duplicates: number;
}

/** One statement per batch: either every new row lands or none does. Known ids are skipped as duplicates. */
async function importBatch(db: Queryable, sql: string, records: unknown[]): Promise<ImportResult> {
  const { rowCount } = await db.query(sql, [JSON.stringify(records)]);
  const inserted = rowCount ?? 0;
  return { received: records.length, inserted, duplicates: records.length - inserted };
}

export function importUsageRequests(db: Queryable, records: z.infer<typeof UsageRequestRecord>[]): Promise<ImportResult> {
  return importBatch(
    db,
    `INSERT INTO usage_requests (request_id, account_id, endpoint, model, http_status, outcome, amount_minor, currency,
                                 output_delivered, started_at, completed_at)
     SELECT "requestId", "accountId", endpoint, model, "httpStatus", outcome, "amountMinor", currency,
            "outputDelivered", "startedAt", "completedAt"
       FROM jsonb_to_recordset($1::jsonb) AS r("requestId" text, "accountId" text, endpoint text, model text,
            "httpStatus" int, outcome text, "amountMinor" bigint, currency text, "outputDelivered" boolean,
            "startedAt" timestamptz, "completedAt" timestamptz)
     ON CONFLICT (request_id) DO NOTHING`,
    records,
  );
}

export function importCharges(db: Queryable, records: z.infer<typeof ChargeRecord>[]): Promise<ImportResult> {
  return importBatch(
    db,
    `INSERT INTO charges (transaction_id, invoice_number, payment_reference, account_id, amount_minor, currency, kind,
                          period_start, period_end, created_at)
     SELECT "transactionId", "invoiceNumber", "paymentReference", "accountId", "amountMinor", currency, kind,
            "periodStart", "periodEnd", "createdAt"
       FROM jsonb_to_recordset($1::jsonb) AS r("transactionId" text, "invoiceNumber" text, "paymentReference" text,
            "accountId" text, "amountMinor" bigint, currency text, kind text, "periodStart" timestamptz,
            "periodEnd" timestamptz, "createdAt" timestamptz)
     ON CONFLICT (transaction_id) DO NOTHING`,
    records,
  );
}

export function importOutages(db: Queryable, records: z.infer<typeof OutageRecord>[]): Promise<ImportResult> {
  return importBatch(
    db,
    `INSERT INTO outages (id, started_at, ended_at, scheduled, force_majeure, cause)
     SELECT id, "startedAt", "endedAt", scheduled, "forceMajeure", cause
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, "startedAt" timestamptz, "endedAt" timestamptz,
            scheduled boolean, "forceMajeure" boolean, cause text)
     ON CONFLICT (id) DO NOTHING`,
    records,
  );
}
