import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { InboundMailActivities } from '../activities';
import {
  inboundMailWorkflowId,
  mailConfirmedSignal,
  type InboundMailInput,
  type MailExamination,
} from '../common/inbound-mail';

const activities = proxyActivities<InboundMailActivities>({
  startToCloseTimeout: '1 minute',
  // A message that keeps failing goes to the staff queue instead of retrying for ever.
  retry: {
    initialInterval: '1 second',
    maximumInterval: '30 seconds',
    maximumAttempts: 6,
    nonRetryableErrorTypes: ['UnprocessableMail'],
  },
});

/** How long a message whose sender failed authentication waits for the account holder to confirm it. */
const CONFIRMATION_WAIT = '7 days';

type Acting = Extract<MailExamination, { kind: 'new_claim' | 'reply' }>;

/**
 * One inbound message, after it was stored: read and authenticate it, then open a claim, resume or annotate one,
 * answer an unknown sender once a day, or ask the account holder to confirm. Whatever fails, the message ends
 * in the staff queue of unprocessable mail with the reason; it is never dropped.
 */
export async function inboundMailWorkflow({ mailId }: InboundMailInput): Promise<string> {
  let confirmed = false;
  setHandler(mailConfirmedSignal, () => {
    confirmed = true;
  });

  async function act(step: Acting): Promise<string> {
    if (step.kind === 'new_claim') {
      const { claimId } = await activities.submitMailClaim({
        mailId,
        accountId: step.accountId,
        policyId: step.policyId,
      });
      return `new claim ${claimId}`;
    }
    const { resumed } = await activities.deliverMailReply({ mailId, claimId: step.claimId });
    return `reply to ${step.claimId} (${resumed ? 'resumed the claim' : 'added to the timeline'})`;
  }

  async function run(): Promise<string> {
    const exam = await activities.examineInboundMail({ mailId });
    switch (exam.kind) {
      case 'ignored':
        return exam.outcome;
      case 'unprocessable':
        await activities.settleMail({ mailId, state: 'unprocessable', outcome: 'unprocessable', reason: exam.reason });
        return `unprocessable: ${exam.reason}`;
      case 'new_claim':
      case 'reply':
        return act(exam);
      case 'unknown_sender': {
        const { answered } = await activities.answerUnknownSender({
          mailId,
          address: exam.address,
          policyId: exam.policyId,
        });
        return answered ? 'unknown sender answered' : 'unknown sender already answered today';
      }
      case 'confirmation':
        await getExternalWorkflowHandle(inboundMailWorkflowId(exam.heldSha256)).signal(mailConfirmedSignal);
        await activities.settleMail({ mailId, state: 'processed', outcome: `confirmed mail ${exam.heldMailId}` });
        return `confirmed mail ${exam.heldMailId}`;
      case 'unconfirmed': {
        await activities.askSenderToConfirm({ mailId, accountId: exam.accountId, policyId: exam.policyId });
        if (!(await condition(() => confirmed, CONFIRMATION_WAIT))) {
          await activities.settleMail({ mailId, state: 'ignored', outcome: 'never confirmed' });
          return 'never confirmed';
        }
        const next: Acting =
          exam.then === 'new_claim'
            ? { kind: 'new_claim', accountId: exam.accountId, policyId: exam.policyId }
            : { kind: 'reply', claimId: exam.then.claimId, matchedBy: 'thread' };
        return act(next);
      }
    }
  }

  let result: string;
  try {
    result = await run();
  } catch (err) {
    const reason =
      err instanceof ApplicationFailure
        ? err.message
        : (err as Error).cause instanceof Error
          ? ((err as Error).cause as Error).message
          : String(err);
    await activities.settleMail({ mailId, state: 'unprocessable', outcome: 'unprocessable', reason });
    result = `unprocessable: ${reason}`;
  }
  await condition(allHandlersFinished);
  return result;
}
