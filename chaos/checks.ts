import type { Db } from '../db';
import { auditChargeback, auditClaim, storedProcessorEvents } from '../db/chaos-audit';
import type { MailSink } from '../mail/sink';
import { CHARGE_MINOR, REFUND_MINOR, type ChaosCase } from './cases';

/** What a case must look like after the faults: the state and money of a run without them. */
export interface Expected {
  /** Final claim status of the automatic credit path, and its credit (from the clean run). */
  creditStatus: string;
  creditMinor: number;
}

/** What one case's check found: each entry says what and on which case. */
export interface Findings {
  duplicates: string[];
  losses: string[];
  /** Mails sent again after a crash with the same Message-ID: shown, not counted as duplicates. */
  resends?: string[];
}

/** Deliveries of one mail to one customer, as the mail sink received them. */
function deliveries(found: Findings, what: string, sink: MailSink, email: string, subject: string | null): number {
  if (!subject) return 0;
  const matching = sink.messages().filter((m) => m.to.includes(email.toLowerCase()) && m.subject === subject);
  // A send repeated after a crash carries the same Message-ID, and a mail store keeps one copy of it; a copy
  // with a new Message-ID is a real duplicate.
  const distinct = new Set(matching.map((m) => m.messageId ?? m.id)).size;
  if (matching.length > distinct) (found.resends ??= []).push(`${what}: ${matching.length} copies of one Message-ID`);
  return distinct;
}

/** Counts against exactly one: more is a duplicate, none is a loss. */
function exactlyOne(found: Findings, what: string, n: number): void {
  if (n > 1) found.duplicates.push(`${what} ×${n}`);
  if (n < 1) found.losses.push(`${what} missing`);
}

/** Money against its expected amount: more is a duplicate, less is a loss. */
function amount(found: Findings, what: string, got: number, want: number): void {
  if (got > want) found.duplicates.push(`${what} ${got} > ${want}`);
  if (got < want) found.losses.push(`${what} ${got} < ${want}`);
}

async function checkClaim(db: Db, sink: MailSink, c: ChaosCase, expected: Expected, found: Findings): Promise<void> {
  const id = c.claimId!;
  const a = await auditClaim(db, id);
  if (!a) {
    found.losses.push(`${id}: claim row missing`);
    return;
  }
  exactlyOne(found, `${id}: acknowledgement row`, a.ackRows);
  exactlyOne(
    found,
    `${id}: acknowledgement mail`,
    deliveries(found, `${id}: acknowledgement`, sink, a.email, a.ackSubject),
  );
  if (c.path === 'credit') {
    if (a.status !== expected.creditStatus) found.losses.push(`${id}: ${a.status}, not ${expected.creditStatus}`);
    exactlyOne(found, `${id}: credit`, a.credits);
    exactlyOne(found, `${id}: credit grant`, a.creditGrants);
    amount(found, `${id}: credited`, a.creditMinor, expected.creditMinor);
    if (a.requestsRemediedTwice > 0) found.duplicates.push(`${id}: ${a.requestsRemediedTwice} requests remedied twice`);
  } else {
    if (a.status !== 'closed') found.losses.push(`${id}: ${a.status}, not closed`);
    exactlyOne(found, `${id}: payout`, a.payouts);
    exactlyOne(found, `${id}: confirmed payout`, a.payoutsConfirmed);
    amount(found, `${id}: paid out`, a.payoutMinor, REFUND_MINOR);
    if (a.chargeMinor !== null && a.chargePayoutMinor > a.chargeMinor)
      found.duplicates.push(`${id}: payouts on the charge ${a.chargePayoutMinor} exceed it (${a.chargeMinor})`);
  }
}

async function checkDispute(db: Db, sink: MailSink, c: ChaosCase, found: Findings): Promise<void> {
  const id = c.chargebackId!;
  const a = await auditChargeback(db, id);
  if (!a) {
    found.losses.push(`${id}: chargeback row missing`);
    return;
  }
  if (a.status !== 'closed') found.losses.push(`${id}: ${a.status}, not closed`);
  if (a.holdState !== 'deducted') found.losses.push(`${id}: credit hold ${a.holdState ?? 'missing'}, not deducted`);
  exactlyOne(found, `${id}: deduction movement`, a.deductions);
  amount(found, `${id}: deducted`, -a.deductedMinor, CHARGE_MINOR);
  exactlyOne(found, `${id}: suspension mail row`, a.suspendedMails);
  exactlyOne(
    found,
    `${id}: suspension mail`,
    deliveries(found, `${id}: suspension`, sink, c.email, a.suspendedSubject),
  );
  const stored = await storedProcessorEvents(db, 'stripe', c.eventIds);
  for (const eventId of c.eventIds) exactlyOne(found, `${id}: webhook ${eventId} stored`, stored.get(eventId) ?? 0);
  if (c.eventIds.length < 2) found.losses.push(`${id}: the dispute never got to its closing event`);
}

/** Checks every case against the run without faults; a driver's error is a loss too. */
export async function checkCases(db: Db, sink: MailSink, cases: ChaosCase[], expected: Expected): Promise<Findings> {
  const found: Findings = { duplicates: [], losses: [] };
  for (const c of cases) {
    if (c.error) found.losses.push(`${c.tag}: ${c.error}`);
    if (!c.claimId && !c.chargebackId) {
      found.losses.push(`${c.tag}: never accepted`);
      continue;
    }
    if (c.path === 'chargeback') await checkDispute(db, sink, c, found);
    else await checkClaim(db, sink, c, expected, found);
  }
  return found;
}
