import { z } from 'zod';
import { ACCOUNT_STATUSES } from '../../../common/ledger';
import { CHARGEBACK_DEADLINE_KINDS, CHARGEBACK_STATUSES, STRIPE_TEXT_FIELDS } from '../../../domain/chargebacks';
import {
  ChargebackListQuery,
  ConfirmSubmissionBody,
  ContestBody,
  NeutralDisputeEventBody,
  StaffActionBody,
} from '../../chargeback-schemas';
import type { RouteDoc } from '../route-doc';

const instant = z.string().describe('ISO-8601 instant');
const minor = z.number().int().describe('integer minor units (cents)');
const Money = z.strictObject({ amountMinor: minor, currency: z.string().regex(/^[A-Z]{3}$/) });
const chargebackStatus = z.enum(CHARGEBACK_STATUSES);
const accountStatus = z.enum(ACCOUNT_STATUSES);
const chargebackId = {
  chargebackId: z
    .string()
    .regex(/^cb_[a-z0-9_-]+_.+$/)
    .describe('cb_<processor>_<dispute id>'),
};

const CreditHold = z.strictObject({
  chargebackId: z.string(),
  accountId: z.string(),
  amount: Money,
  state: z.enum(['held', 'released', 'deducted']),
  clause: z.string(),
  placedAt: instant,
  settledAt: instant.nullable(),
});

const ChargebackSummary = z.strictObject({
  id: z.string(),
  processor: z.string(),
  disputeId: z.string(),
  chargeRef: z.string().nullable(),
  paymentIntentRef: z.string().nullable(),
  transactionId: z.string().nullable(),
  accountId: z.string().nullable(),
  policyId: z.string().nullable(),
  policyVersion: z.string().nullable(),
  unmatched: z.boolean().describe('no ledger charge matched; a person resolves it'),
  amount: Money,
  reason: z.string(),
  processorStatus: z.string(),
  dueBy: instant.nullable().describe("the processor's evidence deadline"),
  status: chargebackStatus,
  outcome: z.enum(['won', 'lost']).nullable(),
  openedAt: instant,
  updatedAt: instant,
});

const ChargebackView = ChargebackSummary.extend({
  evidence: z
    .strictObject({
      pack: z
        .record(z.string(), z.unknown())
        .describe('charge, account, usage since the charge, prior claims, remedies on the charge, mails, clauses'),
      stripe: z
        .partialRecord(z.enum(STRIPE_TEXT_FIELDS), z.string())
        .describe("the pack mapped onto Stripe's dispute evidence fields"),
    })
    .nullable(),
  evidenceSubmission: z.record(z.string(), z.unknown()).nullable(),
  creditHold: CreditHold.nullable(),
  deadlines: z.array(
    z.strictObject({ kind: z.enum(CHARGEBACK_DEADLINE_KINDS), dueAt: instant, clause: z.string(), state: z.string() }),
  ),
  movements: z.array(
    z.strictObject({ kind: z.string(), amountMinor: minor, currency: z.string(), at: instant, source: z.string() }),
  ),
  processorEvents: z.array(
    z.strictObject({
      eventId: z.string(),
      kind: z.string(),
      occurredAt: instant,
      receivedAt: instant,
      appliedAt: instant.nullable(),
    }),
  ),
  webhooks: z
    .array(z.record(z.string(), z.unknown()))
    .describe('outbound Standard Webhooks messages and their delivery attempts'),
  timeline: z.array(
    z.strictObject({
      at: instant,
      type: z.string(),
      actor: z.strictObject({ type: z.string(), id: z.string() }),
      from: z.string().nullable(),
      to: z.string().nullable(),
      why: z.string(),
      clause: z.string().nullable(),
      data: z.record(z.string(), z.unknown()),
    }),
  ),
});

const WorkflowState = z.strictObject({
  status: chargebackStatus,
  processorStatus: z.string().nullable(),
  outcome: z.enum(['won', 'lost']).nullable(),
  dueBy: instant.nullable(),
  unmatched: z.boolean(),
  accountStatus: accountStatus.nullable(),
  creditsHeld: z.boolean(),
  deadlines: z.array(z.strictObject({ kind: z.enum(CHARGEBACK_DEADLINE_KINDS), dueAt: instant, clause: z.string() })),
  escalations: z.array(z.string()),
});

const Receipt = z.strictObject({
  chargebackId: z.string(),
  duplicate: z.boolean().describe('the event id was already stored; nothing changed'),
});

const AccountView = z.strictObject({
  id: z.string(),
  email: z.string(),
  policyId: z.string(),
  currency: z.string(),
  status: accountStatus,
  statusReason: z.string().nullable(),
  statusClause: z.string().nullable(),
  statusChargebackId: z.string().nullable(),
  statusChangedAt: instant.nullable(),
  createdAt: instant,
  creditHolds: z.array(CreditHold),
});

const StatusReply = z.strictObject({ status: chargebackStatus });
const ActionInProgress = z.strictObject({ actionId: z.string(), inProgress: z.literal(true), message: z.string() });
const action = (path: string, summary: string, body: z.ZodType, schema: z.ZodType): RouteDoc => ({
  method: 'post',
  path: `/v1/chargebacks/:chargebackId/${path}`,
  summary,
  auth: 'staff',
  pathParams: chargebackId,
  body,
  responses: {
    200: { description: 'done', schema },
    202: {
      description:
        'accepted but not finished within the answer bound (8 s): the action goes on; the timeline shows its end',
      schema: ActionInProgress,
    },
  },
  errors: [400, 401, 403, 404, 409, 503],
});

/** Chargebacks: processor webhooks, processor-neutral intake, the case list and view, staff actions, and the account view. */
export const chargebackDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/webhooks/stripe',
    auth: 'public',
    summary:
      "Stripe's charge.dispute.* events, verified with the Stripe-Signature header against the raw body; 200 once stored",
    headers: [
      {
        name: 'Stripe-Signature',
        description: 't=<unix time>,v1=<HMAC-SHA256>; any configured endpoint secret',
        schema: z.string(),
      },
    ],
    responses: {
      200: {
        description: 'stored (or a redelivery, or not a dispute event)',
        schema: z.strictObject({
          received: z.literal(true),
          chargebackId: z.string().optional(),
          duplicate: z.boolean().optional(),
          ignored: z.string().optional(),
        }),
      },
    },
    errors: [400],
  },
  {
    method: 'post',
    path: '/v1/chargebacks',
    auth: 'staff',
    summary: 'A dispute event in a processor-neutral shape (operator, admin)',
    body: NeutralDisputeEventBody,
    responses: {
      202: { description: 'stored; the case starts', schema: Receipt },
      200: { description: 'a redelivery; nothing changed', schema: Receipt },
    },
    errors: [400, 401, 403],
  },
  {
    method: 'get',
    path: '/v1/chargebacks',
    auth: 'staff',
    summary: 'List chargebacks by status, policy, account, due soon or unmatched (any staff role)',
    query: ChargebackListQuery,
    responses: {
      200: {
        description: 'matching cases, soonest due first',
        schema: z.strictObject({ chargebacks: z.array(ChargebackSummary) }),
      },
    },
    errors: [400, 401, 403],
  },
  {
    method: 'get',
    path: '/v1/chargebacks/:chargebackId',
    auth: 'staff',
    summary: 'A case with its evidence pack, deadlines, money movements and timeline (any staff role)',
    pathParams: chargebackId,
    responses: { 200: { description: 'the case', schema: ChargebackView } },
    errors: [401, 403, 404],
  },
  action(
    'accept',
    'Do not contest: held credits are deducted; the case stays open until the processor closes it (lead, admin)',
    StaffActionBody,
    StatusReply,
  ),
  action(
    'contest',
    'Submit the evidence pack, edited or not, through the dispute gateway (lead, admin)',
    ContestBody,
    StatusReply,
  ),
  action(
    'confirm-submission',
    'Confirm evidence submitted in the processor dashboard (finance, admin)',
    ConfirmSubmissionBody,
    StatusReply,
  ),
  action(
    'suspend',
    'Suspend the disputed account where the policy leaves it to a person (lead, admin)',
    StaffActionBody,
    WorkflowState,
  ),
  action(
    'reinstate',
    'Reinstate the account, or keep it active after a lost dispute (lead, admin)',
    StaffActionBody,
    WorkflowState,
  ),
  action(
    'terminate',
    'Terminate the account; credits are forfeited where the policy says so (lead, admin)',
    StaffActionBody,
    WorkflowState,
  ),
  {
    method: 'get',
    path: '/v1/accounts/:accountId',
    auth: 'staff',
    summary: 'An account: status, its reason and clause, the chargeback behind it, credits on hold (any staff role)',
    responses: { 200: { description: 'the account', schema: AccountView } },
    errors: [401, 403, 404],
  },
];
