import { ApplicationFailure } from '@temporalio/activity';
import type { MailExamination } from '../common/inbound-mail';
import type { CustomerReplyInput } from '../common/messages';
import { authenticateSender, type SenderAuthentication } from '../adapters/mail-auth';
import { findClaim } from '../db/claims';
import { appendClaimEvent } from '../db/events';
import {
  claimCourtesyReply,
  claimForMessageIds,
  findAccountByEmail,
  loadInboundMail,
  recordBounce,
  recordMailAuth,
  saveMailAttachments,
  settleInboundMail,
  type InboundMail,
} from '../db/mail';
import { claimIdInSubject, extractClaimFacts } from '../domain/email/extract';
import { baseAddress, confirmationAddress, readReplyAddress } from '../domain/email/reply-address';
import { supportAddress } from './customer-mail';
import type { ActivityDeps } from './deps';
import { replySecrets, type MailSettings } from './mail-settings';
import { readMail, type ReadMail } from './mail-reading';

/** A non-retryable failure: the message cannot be processed as it is, and goes to the staff queue. */
const unprocessable = (message: string) =>
  ApplicationFailure.create({ type: 'UnprocessableMail', message, nonRetryable: true });

function settingsOf(deps: ActivityDeps): MailSettings {
  if (!deps.mail) throw unprocessable('the email channel is not configured on this worker');
  return deps.mail;
}

/** Which policy a message was sent to, from its envelope recipients. */
function policyOfRecipients(deps: ActivityDeps, recipients: string[]): { policyId: string; address: string } | null {
  for (const policy of deps.policies.list()) {
    const address = supportAddress(deps, policy.id)?.toLowerCase();
    if (address && recipients.some((r) => baseAddress(r) === address)) return { policyId: policy.id, address };
  }
  return null;
}

async function load(deps: ActivityDeps, mailId: string): Promise<{ stored: InboundMail; mail: ReadMail }> {
  const stored = await loadInboundMail(deps.db, mailId);
  try {
    return { stored, mail: await readMail(stored.raw, stored.envelope.mailFrom, settingsOf(deps)) };
  } catch (err) {
    if (err instanceof ApplicationFailure) throw err;
    throw unprocessable(`the message could not be parsed: ${(err as Error).message}`);
  }
}

async function authenticate(deps: ActivityDeps, stored: InboundMail): Promise<SenderAuthentication> {
  const settings = settingsOf(deps);
  try {
    return await authenticateSender(stored.raw, stored.envelope, settings.resolver, settings.mta);
  } catch (err) {
    // A message mailauth cannot read is treated as unauthenticated, never as trusted.
    return {
      spf: 'temperror',
      dkim: [],
      dmarc: 'temperror',
      authenticated: false,
      fromDomain: null,
      header: `error: ${(err as Error).message}`,
    };
  }
}

export function createInboundMailActivities(deps: ActivityDeps) {
  const { db } = deps;

  /** The claim a message answers, tried three ways in order: thread, reply address, claim id in the subject. */
  async function matchClaim(
    stored: InboundMail,
    mail: ReadMail,
  ): Promise<{ claimId: string; matchedBy: 'thread' | 'reply_address' | 'subject' } | null> {
    const byThread = await claimForMessageIds(db, mail.threadIds);
    if (byThread) return { claimId: byThread, matchedBy: 'thread' };
    for (const rcpt of stored.envelope.rcptTo) {
      const token = readReplyAddress(replySecrets(settingsOf(deps)), rcpt);
      if (token?.kind === 'claim' && (await findClaim(db, token.claimId)))
        return { claimId: token.claimId, matchedBy: 'reply_address' };
    }
    const inSubject = claimIdInSubject(mail.subject);
    const claim = inSubject ? await findClaim(db, inSubject) : null;
    // The subject is easy to write; it counts only from the claim's own account address.
    if (claim && mail.from && claim.accountEmail.toLowerCase() === mail.from)
      return { claimId: claim.claimId, matchedBy: 'subject' };
    return null;
  }

  async function classify(stored: InboundMail, mail: ReadMail, auth: SenderAuthentication): Promise<MailExamination> {
    const policy = policyOfRecipients(deps, stored.envelope.rcptTo);
    if (!policy)
      return { kind: 'unprocessable', reason: `no policy takes mail at ${stored.envelope.rcptTo.join(', ')}` };
    if (!mail.from) return { kind: 'unprocessable', reason: 'the message has no From address' };
    for (const rcpt of stored.envelope.rcptTo) {
      const token = readReplyAddress(replySecrets(settingsOf(deps)), rcpt);
      if (token?.kind !== 'confirmation') continue;
      const held = await loadInboundMail(db, token.mailId).catch(() => null);
      if (held?.state === 'awaiting_confirmation')
        return { kind: 'confirmation', heldMailId: held.mailId, heldSha256: held.sha256 };
      return { kind: 'unprocessable', reason: `confirmation for mail ${token.mailId}, which is not awaiting one` };
    }
    const matched = await matchClaim(stored, mail);
    if (matched) {
      const claim = (await findClaim(db, matched.claimId))!;
      if (claim.accountEmail.toLowerCase() !== mail.from) {
        return {
          kind: 'unprocessable',
          reason: `a reply to claim ${claim.claimId} from ${mail.from}, which is not the account's address`,
        };
      }
      if (!auth.authenticated)
        return {
          kind: 'unconfirmed',
          accountId: claim.accountId,
          policyId: claim.policyId,
          then: { claimId: claim.claimId },
        };
      return { kind: 'reply', ...matched };
    }
    const account = await findAccountByEmail(db, mail.from);
    if (!account) return { kind: 'unknown_sender', address: mail.from, policyId: policy.policyId };
    if (account.policyId !== policy.policyId) {
      return {
        kind: 'unprocessable',
        reason: `account ${account.accountId} is on policy ${account.policyId} but wrote to ${policy.address}`,
      };
    }
    if (!auth.authenticated)
      return { kind: 'unconfirmed', accountId: account.accountId, policyId: account.policyId, then: 'new_claim' };
    return { kind: 'new_claim', accountId: account.accountId, policyId: account.policyId };
  }

  /** Sends one mail from the policy's support address, threaded to the customer's message, marked automatic. */
  async function answer(
    stored: InboundMail,
    mail: ReadMail,
    policyId: string,
    to: string,
    subject: string,
    text: string,
    replyTo?: string,
  ): Promise<void> {
    const from = supportAddress(deps, policyId);
    await deps.mailer.send({
      to,
      subject,
      text,
      ...(from ? { from: `Refund Desk <${from}>` } : {}),
      ...(mail.messageId ? { inReplyTo: `<${mail.messageId}>`, references: [`<${mail.messageId}>`] } : {}),
      ...(replyTo ? { replyTo } : {}),
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    void stored;
  }

  return {
    /** Parses and authenticates a stored message, records what it found, and says what to do with it. */
    async examineInboundMail({ mailId }: { mailId: string }): Promise<MailExamination> {
      const { stored, mail } = await load(deps, mailId);
      const auth = await authenticate(deps, stored);
      await recordMailAuth(db, mailId, auth);
      if (mail.automated === 'bounce') {
        const claimId = await recordBounce(db, mail.bouncedIds, mail.visibleText.split('\n')[0] || mail.subject);
        await settleInboundMail(db, mailId, { state: 'ignored', outcome: 'bounce', claimId });
        return { kind: 'ignored', outcome: 'bounce' };
      }
      if (mail.automated === 'auto_reply') {
        await settleInboundMail(db, mailId, { state: 'ignored', outcome: 'auto_reply' });
        return { kind: 'ignored', outcome: 'auto_reply' };
      }
      return classify(stored, mail, auth);
    },

    /** A new claim from a mail, through the same intake as POST /v1/claims; one claim per message, whatever retries. */
    async submitMailClaim({
      mailId,
      accountId,
      policyId,
    }: {
      mailId: string;
      accountId: string;
      policyId: string;
    }): Promise<{ claimId: string }> {
      const { stored, mail } = await load(deps, mailId);
      const intake = deps.policies.current(policyId)?.pack.mailIntake;
      if (!intake) throw unprocessable(`policy ${policyId} takes no mail`);
      if (!deps.claimIntake) throw unprocessable('the claim intake is not wired into this worker');
      const facts = extractClaimFacts(mail.subject, mail.visibleText, intake);
      const evidence = mail.attachments.map((a) => ({
        kind: a.contentType.startsWith('image/') ? ('screenshot' as const) : ('other' as const),
        description: `mail attachment ${a.filename ?? '(unnamed)'}, ${a.contentType}, ${a.size} bytes, sha256 ${a.sha256}`,
      }));
      let claimId: string;
      try {
        ({ claimId } = await deps.claimIntake.submit(
          {
            accountId,
            reason: facts.reason,
            requestIds: facts.requestIds.slice(0, 10_000),
            ...(facts.transactionIds[0] ? { transactionId: facts.transactionIds[0] } : {}),
            ...(facts.invoiceNumbers[0] ? { invoiceNumber: facts.invoiceNumbers[0] } : {}),
            ...(mail.visibleText ? { explanation: mail.visibleText } : {}),
            evidence: evidence.slice(0, 50),
          },
          `mail:${stored.sha256}`,
        ));
      } catch (err) {
        const status = (err as { status?: number }).status;
        if (status && status >= 400 && status < 500)
          throw unprocessable(`intake refused the claim: ${(err as Error).message}`);
        throw err;
      }
      await saveMailAttachments(db, mailId, mail.attachments, claimId);
      await settleInboundMail(db, mailId, { state: 'processed', outcome: 'new_claim', claimId });
      return { claimId };
    },

    /**
     * A reply to a claim: it resumes an `awaiting_customer` claim through the customer-reply update (the API's path);
     * in any other state it joins the timeline and the staff are told.
     */
    async deliverMailReply({ mailId, claimId }: { mailId: string; claimId: string }): Promise<{ resumed: boolean }> {
      const { stored, mail } = await load(deps, mailId);
      const claim = await findClaim(db, claimId);
      if (!claim) throw unprocessable(`claim ${claimId} does not exist`);
      await saveMailAttachments(db, mailId, mail.attachments, claimId);
      const intake = deps.policies.current(claim.policyId)?.pack.mailIntake;
      const facts = intake ? extractClaimFacts(mail.subject, mail.visibleText, intake) : null;
      const names = mail.attachments.map(
        (a) => `${a.filename ?? '(unnamed)'} (${a.contentType}, ${a.size} bytes, sha256 ${a.sha256})`,
      );
      const message = [mail.visibleText, ...(names.length ? [`Attachments: ${names.join('; ')}`] : [])]
        .filter(Boolean)
        .join('\n\n')
        .slice(0, 20_000);
      if (claim.status === 'awaiting_customer' && deps.claimIntake) {
        const reply: CustomerReplyInput = {
          ...(facts?.requestIds.length ? { requestIds: facts.requestIds.slice(0, 10_000) } : {}),
          ...(facts?.transactionIds[0] ? { transactionId: facts.transactionIds[0] } : {}),
          ...(facts?.invoiceNumbers[0] ? { invoiceNumber: facts.invoiceNumbers[0] } : {}),
          ...(mail.visibleText ? { explanation: mail.visibleText } : {}),
          ...(message ? { message } : {}),
        };
        const resumed = await deps.claimIntake.reply(claimId, reply).then(
          () => true,
          (err: unknown) => {
            // The claim moved on meanwhile (a refusal, not an outage): the mail joins the timeline instead.
            if ((err as { status?: number }).status === 409) return false;
            throw err;
          },
        );
        if (resumed) {
          await settleInboundMail(db, mailId, { state: 'processed', outcome: 'reply_resumed', claimId });
          return { resumed: true };
        }
      }
      await appendClaimEvent(db, {
        claimId,
        eventKey: `mail:${stored.sha256}`,
        type: 'customer_mail',
        actor: { type: 'customer', id: claim.accountId },
        why: `the customer wrote by email while the claim was ${claim.status}`,
        data: { mailId, subject: mail.subject, text: mail.visibleText.slice(0, 5_000), attachments: names },
      });
      await deps.mailer.send({
        to: deps.staffMailboxes.lead,
        subject: `Customer mail on ${claimId} (${claim.status})`,
        text: `The customer of claim ${claimId} wrote while it was ${claim.status}:\n\n${mail.visibleText.slice(0, 5_000)}${names.length ? `\n\nAttachments: ${names.join('; ')}` : ''}`,
      });
      await settleInboundMail(db, mailId, { state: 'processed', outcome: 'reply_on_timeline', claimId });
      return { resumed: false };
    },

    /** One polite answer per address per day: write from the account's address, or use the API. */
    async answerUnknownSender({
      mailId,
      address,
      policyId,
    }: {
      mailId: string;
      address: string;
      policyId: string;
    }): Promise<{ answered: boolean }> {
      const { stored, mail } = await load(deps, mailId);
      const answered = await claimCourtesyReply(db, address, mailId);
      if (answered) {
        await answer(
          stored,
          mail,
          policyId,
          address,
          `Re: ${mail.subject || 'your message'}`,
          'Thank you for writing. We could not find an account registered with this address, so we cannot open a claim from it.\n\n' +
            'Please write again from the email address of your account, or send your claim through the claims API (POST /v1/claims).\n\n' +
            'This is the only answer this address receives from us today.\n\nRefund Desk\n',
        );
      }
      await settleInboundMail(db, mailId, {
        state: 'processed',
        outcome: answered ? 'unknown_sender_answered' : 'unknown_sender_quiet',
      });
      return { answered };
    },

    /** The From address is an account's but failed authentication: the registered address is asked to confirm. */
    async askSenderToConfirm({
      mailId,
      accountId,
      policyId,
    }: {
      mailId: string;
      accountId: string;
      policyId: string;
    }): Promise<void> {
      const { stored, mail } = await load(deps, mailId);
      const account = await findAccountByEmail(db, mail.from ?? '');
      const support = supportAddress(deps, policyId);
      if (!account || account.accountId !== accountId || !support)
        throw unprocessable('the account to confirm with is gone');
      if (stored.state === 'stored') {
        await deps.mailer.send({
          to: account.email,
          subject: `Please confirm: did you send "${mail.subject.slice(0, 120)}"?`,
          text:
            `We received a mail that names your address (${account.email}), but we could not verify that it came from you ` +
            '(its sender authentication failed).\n\nIf you sent it, just reply to this mail and we will act on it.\n' +
            'If you did not, ignore this mail: nothing will happen to your account.\n\nRefund Desk\n',
          from: `Refund Desk <${support}>`,
          replyTo: confirmationAddress(settingsOf(deps).tokenSecret, support, mailId),
          headers: { 'Auto-Submitted': 'auto-replied' },
        });
      }
      await settleInboundMail(db, mailId, { state: 'awaiting_confirmation', outcome: 'confirmation_requested' });
    },

    /** Where a message ended when it acts no further: ignored, confirmed elsewhere, or queued for staff. */
    async settleMail(input: {
      mailId: string;
      state: 'processed' | 'ignored' | 'unprocessable';
      outcome: string;
      reason?: string;
    }): Promise<void> {
      await settleInboundMail(db, input.mailId, {
        state: input.state,
        outcome: input.outcome,
        reason: input.reason?.slice(0, 2000) ?? null,
      });
    },
  };
}
