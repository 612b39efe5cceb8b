export { claimWorkflow } from './claim';
export { creditExpiryWorkflow } from './credit-expiry';
