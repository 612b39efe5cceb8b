export { claimWorkflow } from './claim';
