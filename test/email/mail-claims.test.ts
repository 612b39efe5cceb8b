import type { Server } from 'node:http';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import pino from 'pino';
import { PolicyStore } from '../../db/policies';
import type { MailMessage } from '../../mail/sink';
import { createApp } from '../../server/app';
import { failedCall, GUARDED_DOMAIN, startMailWorld, type MailWorld } from './mail-harness';

let w: MailWorld;

beforeAll(async () => {
  w = await startMailWorld();
});

afterAll(async () => {
  await w?.close();
});

const support = (policyId: string) => `refunds@${policyId}.example`;
const ids = (header: string | undefined) => [...(header ?? '').matchAll(/<([^>]+)>/g)].map((m) => m[1]!.toLowerCase());
const bare = (messageId: string) => messageId.replace(/[<>]/g, '').toLowerCase();

async function claimOf(mailId: string): Promise<string> {
  const row = await w.settled(mailId);
  expect(row).toMatchObject({ state: 'processed', outcome: 'new_claim' });
  return row.claim_id!;
}

async function status(claimId: string): Promise<string> {
  return (await w.d.db.query('SELECT status FROM claims WHERE id = $1', [claimId])).rows[0].status;
}

async function waitStatus(claimId: string, wanted: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await status(claimId)) !== wanted) {
    if (Date.now() > deadline) throw new Error(`claim ${claimId} stayed ${await status(claimId)}, expected ${wanted}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const mailTo = (email: string, subject: RegExp) => (m: MailMessage) => m.to.includes(email) && subject.test(m.subject);

/** A pixazo account with two failed calls, and its claim mailed in and decided. */
async function decidedClaimByMail() {
  const { accountId, email } = await w.account('pixazo-api');
  await w.feed('requests', [
    failedCall(accountId, `req_${accountId}_1`, 120),
    failedCall(accountId, `req_${accountId}_2`, 80),
  ]);
  const sent = await w.send({
    from: email,
    to: support('pixazo-api'),
    subject: 'Refund for failed generations',
    text: `Hello,\n\nTwo generations failed with a 502: req_${accountId}_1 and req_${accountId}_2.\nPlease refund them.\n\n-- \nAda, Ada's Studio\n`,
  });
  const claimId = await claimOf(sent.mailId);
  await waitStatus(claimId, 'closed');
  const decision = await w.d.sink.waitFor(mailTo(email, /^Decision on your claim/));
  return { accountId, email, sent, claimId, decision };
}

describe('claims by email, through the real listener, workflow and PostgreSQL', () => {
  it('opens a claim from a mail and answers in one thread, down to the decision', async () => {
    const { accountId, email, sent, claimId, decision } = await decidedClaimByMail();
    const claim = (
      await w.d.db.query('SELECT channel, reason, request_ids, explanation FROM claims WHERE id = $1', [claimId])
    ).rows[0];
    expect(claim).toMatchObject({ channel: 'email', reason: 'failed_request' });
    expect([...claim.request_ids].sort()).toEqual([`req_${accountId}_1`, `req_${accountId}_2`]);
    expect(claim.explanation).not.toContain('Ada, Ada'); // the signature is cut
    const auth = (await w.settled(sent.mailId)).auth!;
    expect(auth).toMatchObject({ spf: 'pass', dmarc: 'pass', authenticated: true });

    const ack = await w.d.sink.waitFor(mailTo(email, /^We received your refund claim/));
    for (const m of [ack, decision]) {
      expect(ids(m.headers.references)[0]).toBe(bare(sent.messageId));
      expect(m.headers['in-reply-to']).toBeDefined();
      expect(m.headers['auto-submitted']).toBe('auto-replied');
      expect(m.headers['reply-to']).toMatch(/refunds\+c\.[0-9a-z]{26}\.[0-9a-f]{20}@pixazo-api\.example/);
      expect(m.html).toContain('<p>');
      expect(m.text).toMatch(/\/claims\/clm_\w+\?token=ct_/);
    }
    expect(ids(decision.headers.references)).toContain(bare(ack.messageId!));
    expect(decision.text).toContain('$2.00');
    expect(decision.text).toContain('§5.2: "Returns an HTTP 5xx server error');
    expect(decision.text).not.toMatch(/decidedBy|claim-workflow|lead:/);
    const credit = await w.d.sink.waitFor(mailTo(email, /credit for your claim has been sent/));
    expect(credit.text).toMatch(/can be used until \w+day \d{1,2} \w+ \d{4}|does not expire/);
  });

  it('resumes a claim awaiting the customer with the reply to the information request, attachment and all', async () => {
    const { accountId, email } = await w.account('imaginator');
    // Outages are platform-wide: this period stays clear of the one test/integration/policy-workflows.test.ts feeds.
    const periodStart = new Date(Date.now() - 31 * 86_400_000);
    const periodEnd = new Date(periodStart.getTime() + 10 * 86_400_000);
    const txn = `txn_${accountId}_1`;
    await w.feed('charges', [
      {
        transactionId: txn,
        paymentReference: `pi_${accountId}`,
        accountId,
        amountMinor: 10_000,
        currency: 'USD',
        kind: 'usage',
        periodStart: periodStart.toISOString(),
        periodEnd: periodEnd.toISOString(),
        createdAt: periodEnd.toISOString(),
      },
    ]);
    await w.feed('outages', [
      {
        id: `out_${accountId}`,
        startedAt: new Date(periodStart.getTime() + 86_400_000).toISOString(),
        endedAt: new Date(periodStart.getTime() + 2 * 86_400_000).toISOString(),
        scheduled: false,
        cause: 'region failure',
      },
    ]);
    const first = await w.send({
      from: email,
      to: support('imaginator'),
      subject: 'Outage refund',
      text: 'Your service was down for a whole day (outage).',
    });
    const claimId = await claimOf(first.mailId);
    await waitStatus(claimId, 'awaiting_customer');
    const ask = await w.d.sink.waitFor(mailTo(email, /more information/));
    expect(ask.text).toContain('Just reply to this mail');
    expect(ask.text).toMatch(/by \w+day \d{1,2} \w+ \d{4}, (end of day|\d{1,2}:\d{2} [AP]M), New York time/);
    expect(ask.text).not.toMatch(/\d{4}-\d{2}-\d{2}T/);

    const reply = await w.send({
      from: email,
      to: support('imaginator'),
      subject: `Re: ${ask.subject}`,
      inReplyTo: ask.messageId!,
      references: [ask.messageId!],
      text: `The charge was ${txn}; the invoice is attached.\n\nOn Monday, Refund Desk wrote:\n> To decide your claim we still need:\n> - the transaction id\n`,
      attachments: [
        { filename: 'invoice.pdf', content: Buffer.from('%PDF-1.4 invoice'), contentType: 'application/pdf' },
      ],
    });
    expect(await w.settled(reply.mailId)).toMatchObject({
      state: 'processed',
      outcome: 'reply_resumed',
      claim_id: claimId,
    });
    await waitStatus(claimId, 'awaiting_payout');
    const row = (await w.d.db.query('SELECT transaction_id FROM claims WHERE id = $1', [claimId])).rows[0];
    expect(row.transaction_id).toBe(txn);
    const attachments = (
      await w.d.db.query('SELECT filename, content_type, size, sha256 FROM mail_attachments WHERE claim_id = $1', [
        claimId,
      ])
    ).rows;
    expect(attachments).toEqual([
      expect.objectContaining({ filename: 'invoice.pdf', content_type: 'application/pdf', size: 16 }),
    ]);
    const event = (
      await w.d.db.query(`SELECT why FROM claim_events WHERE claim_id = $1 AND type = 'customer_replied'`, [claimId])
    ).rows[0];
    expect(event.why).toContain('invoice.pdf');
  });

  it('matches a reply by its reply address, and by the claim id in the subject only from the account address', async () => {
    const { email, claimId, decision } = await decidedClaimByMail();
    const byAddress = await w.send({
      from: email,
      to: decision.headers['reply-to']!,
      subject: 'One more thing',
      text: 'Thanks, that was quick.',
    });
    expect(await w.settled(byAddress.mailId)).toMatchObject({ outcome: 'reply_on_timeline', claim_id: claimId });

    const bySubject = await w.send({
      from: email,
      to: support('pixazo-api'),
      subject: `About claim ${claimId}`,
      text: 'Is there anything else I need to do?',
    });
    expect(await w.settled(bySubject.mailId)).toMatchObject({ outcome: 'reply_on_timeline', claim_id: claimId });
    const timeline = (
      await w.d.db.query(`SELECT count(*)::int AS n FROM claim_events WHERE claim_id = $1 AND type = 'customer_mail'`, [
        claimId,
      ])
    ).rows[0];
    expect(timeline.n).toBe(2);
    await w.d.sink.waitFor((m) => m.subject === `Customer mail on ${claimId} (closed)`);

    const stranger = await w.account('pixazo-api');
    const notTheirs = await w.send({
      from: stranger.email,
      to: support('pixazo-api'),
      subject: `About claim ${claimId}`,
      text: 'The 502s again.',
    });
    const row = await w.settled(notTheirs.mailId);
    expect(row.claim_id).not.toBe(claimId);
  });

  it('does not act on an account for a forged From; the account holder is asked, and their reply confirms', async () => {
    const victim = await w.account('pixazo-api', GUARDED_DOMAIN);
    const forged = await w.send(
      { from: victim.email, to: support('pixazo-api'), subject: 'Refund everything', text: 'Refund all my charges.' },
      { sign: false },
    );
    const held = await w.settled(forged.mailId);
    expect(held).toMatchObject({ state: 'awaiting_confirmation', claim_id: null });
    expect(held.auth).toMatchObject({ spf: 'fail', dmarc: 'fail', authenticated: false });
    expect(
      (await w.d.db.query('SELECT count(*)::int AS n FROM claims WHERE account_id = $1', [victim.accountId])).rows[0].n,
    ).toBe(0);
    const ask = await w.d.sink.waitFor(mailTo(victim.email, /^Please confirm/));
    expect(ask.headers['reply-to']).toMatch(/^refunds\+k\.\d+\.[0-9a-f]{20}@pixazo-api\.example$/);

    // The holder's answer reaches the confirmation address, which only their mailbox received.
    const confirm = await w.send(
      { from: victim.email, to: ask.headers['reply-to']!, subject: `Re: ${ask.subject}`, text: 'Yes, that was me.' },
      { sign: false },
    );
    expect(await w.settled(confirm.mailId)).toMatchObject({ state: 'processed' });
    const deadline = Date.now() + 30_000;
    while ((await w.settled(forged.mailId)).state === 'awaiting_confirmation' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(await w.settled(forged.mailId)).toMatchObject({ state: 'processed', outcome: 'new_claim' });
  });

  it('ignores auto-replies and bounces, records the bounce on the notification, and never answers them', async () => {
    const { email, decision, claimId } = await decidedClaimByMail();
    const before = w.d.sink.messages().filter((m) => m.to.includes(email)).length;
    const vacation = await w.send({
      from: email,
      to: decision.headers['reply-to']!,
      subject: 'Out of office',
      text: 'I am away until Monday.',
      headers: { 'Auto-Submitted': 'auto-replied', 'X-Autoreply': 'yes' },
    });
    expect(await w.settled(vacation.mailId)).toMatchObject({ state: 'ignored', outcome: 'auto_reply' });

    const dsn = [
      `From: Mail Delivery System <MAILER-DAEMON@${'customer.example'}>`,
      `To: ${support('pixazo-api')}`,
      'Subject: Undelivered Mail Returned to Sender',
      `Message-ID: <dsn-${claimId}@customer.example>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'The mailbox is full.',
      '',
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; customer.example',
      '',
      'Final-Recipient: rfc822; x@customer.example',
      'Action: failed',
      'Status: 5.2.2',
      '',
      '--b1',
      'Content-Type: text/rfc822-headers',
      '',
      `Message-ID: ${decision.messageId}`,
      `Subject: ${decision.subject}`,
      '',
      '--b1--',
      '',
    ].join('\r\n');
    const bounce = await w.send({ envelope: { from: '', to: [support('pixazo-api')] }, raw: dsn }, { sign: false });
    expect(await w.settled(bounce.mailId)).toMatchObject({ state: 'ignored', outcome: 'bounce', claim_id: claimId });
    const notice = (
      await w.d.db.query('SELECT bounced_at, bounce_reason FROM notifications WHERE lower(message_id) = lower($1)', [
        decision.messageId,
      ])
    ).rows[0];
    expect(notice.bounced_at).not.toBeNull();
    expect(notice.bounce_reason).toContain('mailbox is full');
    expect(w.d.sink.messages().filter((m) => m.to.includes(email)).length).toBe(before);
    expect(w.d.sink.messages().filter((m) => m.to.some((t) => t.startsWith('mailer-daemon')))).toEqual([]);
  });

  it('makes one message, and one claim, of the same Message-ID delivered twice', async () => {
    const { accountId, email } = await w.account('pixazo-api');
    await w.feed('requests', [failedCall(accountId, `req_${accountId}_1`, 120)]);
    const message = {
      from: email,
      to: support('pixazo-api'),
      subject: 'Failed call',
      text: `req_${accountId}_1 failed.`,
      messageId: `<twice-${accountId}@customer.example>`,
    };
    const first = await w.send(message);
    const second = await w.send(message);
    expect(second.response).toContain('already received');
    expect(second.mailId).toBe(first.mailId);
    await claimOf(first.mailId);
    expect(
      (await w.d.db.query('SELECT count(*)::int AS n FROM claims WHERE account_id = $1', [accountId])).rows[0].n,
    ).toBe(1);
    expect(
      (
        await w.d.db.query('SELECT count(*)::int AS n FROM inbound_mails WHERE message_id = $1', [
          `twice-${accountId.toLowerCase()}@customer.example`,
        ])
      ).rows[0].n,
    ).toBe(1);
  });

  it('answers an unknown sender once a day, and queues mail it cannot place for staff', async () => {
    const stranger = `someone-${Date.now()}@customer.example`;
    const a = await w.send({ from: stranger, to: support('apiany'), subject: 'refund?', text: 'Please refund me.' });
    const b = await w.send({
      from: stranger,
      to: support('apiany'),
      subject: 'refund??',
      text: 'Please refund me now.',
    });
    // The two are processed concurrently; whichever comes first is answered, the other is not.
    const outcomes = [(await w.settled(a.mailId)).outcome, (await w.settled(b.mailId)).outcome].sort();
    expect(outcomes).toEqual(['unknown_sender_answered', 'unknown_sender_quiet']);
    const answers = w.d.sink.messages().filter((m) => m.to.includes(stranger));
    expect(answers).toHaveLength(1);
    expect(answers[0]!.text).toContain('email address of your account');
    expect(answers[0]!.headers['auto-submitted']).toBe('auto-replied');

    const wrongPolicy = await w.account('apiany');
    const misrouted = await w.send({
      from: wrongPolicy.email,
      to: support('sora2-api'),
      subject: 'refund',
      text: 'A render failed.',
    });
    expect(await w.settled(misrouted.mailId)).toMatchObject({ state: 'unprocessable' });
    const queue = await w.d.call('GET', '/v1/mail/unprocessable?limit=500', { bearer: 'it-agent-key' });
    expect(queue.status).toBe(200);
    expect(queue.body.mails).toContainEqual(
      expect.objectContaining({ mailId: misrouted.mailId, reason: expect.stringContaining('apiany') }),
    );
  });

  it('shows the customer status page for the right claim with the token, 404 without it, and never logs the token', async () => {
    const { claimId, decision } = await decidedClaimByMail();
    const link = new URL(/https?:\/\/\S+\/claims\/clm_\w+\?token=ct_[\w-]+/.exec(decision.text)![0]);
    const token = link.searchParams.get('token')!;
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const policies = await PolicyStore.open(w.d.db, path.resolve(__dirname, '../../policies'));
    const app = createApp({
      db: w.d.db,
      temporal: {} as Client,
      policies,
      logger,
      taskQueue: 'unused',
      claimTokenSecret: 'dev-only-claim-token-secret-change-me',
    });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const page = await fetch(`${base}${link.pathname}${link.search}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      const html = await page.text();
      expect(html).toContain(claimId);
      expect(html).toContain('Done');
      expect(html).toMatch(/approved/);
      expect(html).not.toMatch(/claim-workflow|it-lead/);
      expect((await fetch(`${base}${link.pathname}`)).status).toBe(404);
      expect((await fetch(`${base}${link.pathname}?token=ct_wrong`)).status).toBe(404);
      const other = (await decidedClaimByMail()).claimId;
      expect((await fetch(`${base}/claims/${other}?token=${token}`)).status).toBe(404);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(lines.join('')).toContain(`/claims/${claimId}`);
    expect(lines.join('')).not.toContain(token);
  });
});
