/** Moved below server/ so customer mails can link the status page; kept here for the routes' imports. */
export { claimToken, isClaimToken } from '../domain/claim-token';
