export { claimWorkflow } from './claim';
export { creditExpiryWorkflow } from './credit-expiry';
export { inboundMailWorkflow } from './inbound-mail';
