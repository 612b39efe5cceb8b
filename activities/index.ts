import { createAttentionActivities } from './attention';
import { createChargebackActivities, type ChargebackActivities } from './chargebacks';
import { createClaimActivities } from './claims';
import { createClaimStepActivities } from './claim-steps';
import { createCreditActivities, type CreditActivities } from './credits';
import { createDeadlineActivities } from './deadlines';
import { createDisputeGateActivities } from './dispute-gate';
import type { ActivityDeps } from './deps';
import { createInboundMailActivities } from './inbound-mail';
import { createNotificationActivities } from './notifications';
import { createRemedyActivities } from './remedies';

export type { ActivityDeps } from './deps';

/** Built once in the worker; workflows see only `ReturnType<typeof createActivities>`. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createClaimActivities(deps),
    ...createClaimStepActivities(deps),
    ...createAttentionActivities(deps),
    ...createDeadlineActivities(deps),
    ...createRemedyActivities(deps),
    ...createNotificationActivities(deps),
    ...createCreditActivities(deps),
    ...createChargebackActivities(deps),
    ...createDisputeGateActivities(deps),
    ...createInboundMailActivities(deps),
  };
}

/** The claim workflow's activities; the credit-expiry workflow's are typed as CreditActivities. */
export type RefundDeskActivities = Omit<
  ReturnType<typeof createActivities>,
  keyof CreditActivities | keyof ChargebackActivities | keyof InboundMailActivities
>;
export type InboundMailActivities = ReturnType<typeof createInboundMailActivities>;
export type { CreditActivities } from './credits';
