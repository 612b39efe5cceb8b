export { claimWorkflow } from './claim';
export { creditExpiryWorkflow } from './credit-expiry';
export { chargebackWorkflow } from './chargeback';
export { inboundMailWorkflow } from './inbound-mail';
