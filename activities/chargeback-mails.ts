import { formatMoney, type Money } from '../common/money';
import type { OutgoingMail } from '../adapters/mailer';

/** What the customer is told about a dispute on their account. */
export type ChargebackCustomerNotice =
  | { template: 'suspended'; clause: string; quote: string }
  | { template: 'credits_held'; amount: Money; clause: string; quote: string }
  | { template: 'reinstated' }
  | { template: 'terminated'; clause: string; quote: string }
  | { template: 'dispute_won' }
  | { template: 'dispute_lost' };

const SUPPORT =
  'If you believe this is a mistake, reply to this message or contact support; we will look at it with you.';

export function renderChargebackCustomerMail(
  to: string,
  chargebackId: string,
  disputed: Money,
  n: ChargebackCustomerNotice,
): OutgoingMail {
  const ref = `the payment dispute over ${formatMoney(disputed)} (case ${chargebackId})`;
  switch (n.template) {
    case 'suspended':
      return {
        to,
        subject: 'Your account is suspended while a payment dispute is investigated',
        text: `Your bank or card issuer told us about ${ref}. Under our policy ${n.clause} ("${n.quote}") your account is suspended while it is investigated.\n\n${SUPPORT}`,
      };
    case 'credits_held':
      return {
        to,
        subject: 'Credits on hold while a payment dispute is investigated',
        text: `Because of ${ref}, ${formatMoney(n.amount)} of your credits are on hold: they cannot be spent until the dispute is resolved. Policy ${n.clause}: "${n.quote}".\n\n${SUPPORT}`,
      };
    case 'reinstated':
      return {
        to,
        subject: 'Your account is active again',
        text: `Your account has been reinstated after ${ref}. You can use the service again.`,
      };
    case 'terminated':
      return {
        to,
        subject: 'Your account has been closed',
        text: `After ${ref}, your account has been closed under our policy ${n.clause} ("${n.quote}").\n\n${SUPPORT}`,
      };
    case 'dispute_won':
      return {
        to,
        subject: 'The payment dispute was resolved in our favour',
        text: `The card network resolved ${ref} in our favour; the charge stands and any credits on hold are released.`,
      };
    case 'dispute_lost':
      return {
        to,
        subject: 'The payment dispute was resolved in your favour',
        text: `The card network resolved ${ref} in your favour; the money was returned to you through your bank. A person will review your account.`,
      };
  }
}

/** What staff are told; the event log holds the same facts. */
export function renderChargebackStaffMail(
  to: string,
  chargebackId: string,
  audience: string,
  type: string,
  why: string,
): OutgoingMail {
  return {
    to,
    subject: `[${audience}] chargeback ${chargebackId}: ${type.replaceAll('_', ' ')}`,
    text: `${why}\n\nCase: GET /v1/chargebacks/${chargebackId}`,
  };
}
