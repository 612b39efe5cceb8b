/** New claims start as claimWorkflowV2; claimWorkflow (frozen) finishes the runs started before it. */
export { claimWorkflowV2 } from './claim';
export { claimWorkflow } from './claim-v1';
export { creditExpiryWorkflow } from './credit-expiry';
export { chargebackWorkflow } from './chargeback';
export { inboundMailWorkflow } from './inbound-mail';
