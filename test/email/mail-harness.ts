import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { ulid } from 'ulid';
import type { DnsZone } from '../../adapters/mail-auth';
import { KEYS, startDesk, type Desk } from '../integration/desk-harness';

/** The customers' mail domain in the test DNS: SPF allows this machine, mail is DKIM-signed, DMARC rejects the rest. */
export const CUSTOMER_DOMAIN = 'customer.example';
/** A domain whose SPF does not allow this machine and whose DMARC says reject: mail "from" it here is forged. */
export const GUARDED_DOMAIN = 'guarded.example';
const SELECTOR = 'desk2026';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicKey = keys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const privateKey = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** The DNS records mailauth sees in these tests; nothing goes to the network. */
export const TEST_ZONE: DnsZone = {
  [CUSTOMER_DOMAIN]: { TXT: ['v=spf1 ip4:127.0.0.1 ip6:::1 -all'] },
  [`_dmarc.${CUSTOMER_DOMAIN}`]: { TXT: ['v=DMARC1; p=reject'] },
  [`${SELECTOR}._domainkey.${CUSTOMER_DOMAIN}`]: { TXT: [`v=DKIM1; k=rsa; p=${publicKey}`] },
  [GUARDED_DOMAIN]: { TXT: ['v=spf1 ip4:192.0.2.10 -all'] },
  [`_dmarc.${GUARDED_DOMAIN}`]: { TXT: ['v=DMARC1; p=reject'] },
};

export function writeTestZone(): string {
  const file = path.join(os.tmpdir(), `refund-desk-zone-${process.pid}-${ulid()}.json`);
  writeFileSync(file, JSON.stringify(TEST_ZONE));
  return file;
}

export interface SentMail {
  /** The SMTP reply, e.g. "250 Stored as 12". */
  response: string;
  mailId: string;
  messageId: string;
}

export interface MailWorld {
  d: Desk;
  port: number;
  /** Sends through the real listener with nodemailer; signs with the customer domain's DKIM key unless told not to. */
  send(message: Mail.Options, options?: { sign?: boolean }): Promise<SentMail>;
  account(policyId: string, domain?: string): Promise<{ accountId: string; email: string }>;
  feed(kind: 'requests' | 'charges' | 'outages', records: unknown[]): Promise<void>;
  /** Waits until the stored message has left `stored` (processed, ignored, queued or held) and returns its row. */
  settled(
    mailId: string,
    timeoutMs?: number,
  ): Promise<{
    state: string;
    outcome: string | null;
    reason: string | null;
    claim_id: string | null;
    auth: Record<string, unknown> | null;
  }>;
  close(): Promise<void>;
}

/** The whole product with its inbound listener on a free port, the test DNS zone, and a sending client. */
export async function startMailWorld(env: Record<string, string> = {}): Promise<MailWorld> {
  const d = await startDesk({
    INBOUND_SMTP_PORT: '0',
    INBOUND_DNS_ZONE_FILE: writeTestZone(),
    INBOUND_MAIL_PER_HOUR: '1000',
    ...env,
  });
  const port = d.desk.inboundSmtpPort!;
  const signed = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    dkim: { domainName: CUSTOMER_DOMAIN, keySelector: SELECTOR, privateKey },
  });
  const unsigned = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  return {
    d,
    port,
    async send(message, options = {}) {
      const info = await (options.sign === false ? unsigned : signed).sendMail(message);
      const mailId = /Stored as (\d+)/.exec(info.response)?.[1];
      if (!mailId) throw new Error(`unexpected SMTP answer: ${info.response}`);
      return { response: info.response, mailId, messageId: info.messageId };
    },
    async account(policyId, domain = CUSTOMER_DOMAIN) {
      const accountId = `acct_${ulid()}`;
      const email = `${accountId.toLowerCase()}@${domain}`;
      const res = await d.call('PUT', `/v1/accounts/${accountId}`, {
        bearer: KEYS.operator,
        body: { email, policyId },
      });
      if (res.status !== 201) throw new Error(`account: ${res.status}`);
      return { accountId, email };
    },
    async feed(kind, records) {
      const res = await d.call('POST', `/v1/usage/${kind}`, { bearer: KEYS.operator, body: { records } });
      if (res.status !== 200) throw new Error(`feed ${kind}: ${res.status} ${JSON.stringify(res.body)}`);
    },
    async settled(mailId, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { rows } = await d.db.query(
          'SELECT state, outcome, reason, claim_id, auth FROM inbound_mails WHERE id = $1',
          [mailId],
        );
        if (rows[0] && rows[0].state !== 'stored') return rows[0];
        if (Date.now() > deadline) throw new Error(`mail ${mailId} is still ${rows[0]?.state ?? 'missing'}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      signed.close();
      unsigned.close();
      await d.close();
    },
  };
}

const DAY = 86_400_000;
export const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString();

/** A call the platform failed with a 5xx, a day ago. */
export function failedCall(accountId: string, requestId: string, amountMinor: number) {
  return {
    requestId,
    accountId,
    endpoint: '/v1/generate',
    httpStatus: 502,
    outcome: 'error',
    amountMinor,
    currency: 'USD',
    outputDelivered: false,
    startedAt: daysAgo(1),
    completedAt: daysAgo(1),
  };
}
