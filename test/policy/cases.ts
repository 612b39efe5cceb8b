import { readFileSync } from 'node:fs';
import path from 'node:path';
import type {
  Assessment,
  ClaimFacts,
  ClaimItem,
  Decision,
  DecisionOutcome,
  Remedy,
  RequestVerdict,
} from '../../common/claim';
import { PolicyViolation, simulateClaim, staffDecision, type StaffDecisionWithCurrency } from '../../domain/policy';
import { claim, ledger, normalise, policy, SEED_DIR, STAFF, type LedgerParts } from './fixtures';

/** One row of a policy's table: the document sentence it comes from, the claim, the ledger and what must follow. */
export interface PolicyCase {
  name: string;
  /** Word for word from the seed; the runner checks it is there. */
  quote: string;
  claim: Partial<ClaimFacts>;
  ledger?: LedgerParts;
  expect: {
    kind: Assessment['kind'];
    outcome?: DecisionOutcome;
    amountMinor?: number;
    remedy?: Remedy;
    missing?: ClaimItem[];
    /** Reason codes that must appear among the decision's reasons or the review's `why`. */
    codes?: string[];
    verdicts?: Record<string, RequestVerdict>;
    /** Lines that must appear in the arithmetic, exactly. */
    arithmetic?: string[];
    /** Words one of the reasons must say to the customer. */
    says?: string;
  };
  staff?: {
    input: Omit<StaffDecisionWithCurrency, 'actor'>;
    expect: { outcome: DecisionOutcome; amountMinor: number; remedy: Remedy; codes?: string[] } | { violation: string };
  };
}

function decisionOf(assessment: Assessment): Decision | undefined {
  if (assessment.kind === 'decided') return assessment.decision;
  if (assessment.kind === 'needs_review') return assessment.proposal;
  return undefined;
}

export function runPolicyCases(policyId: string, cases: PolicyCase[]): void {
  const loaded = policy(policyId);
  const seed = normalise(readFileSync(path.join(SEED_DIR, loaded.pack.seed), 'utf8'));

  describe(`${policyId} policy table`, () => {
    it('has at least ten cases', () => expect(cases.length).toBeGreaterThanOrEqual(10));

    it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      expect(seed).toContain(normalise(c.quote));
      const theClaim = claim(c.claim);
      // Through the simulator: the same evaluation support and operators run from the API and the CLI.
      const { assessment, policy: simulatedUnder } = simulateClaim(loaded, {
        claim: theClaim,
        facts: ledger(policyId, c.ledger),
      });
      expect(simulatedUnder).toEqual({ id: loaded.id, version: loaded.version });
      expect(assessment.kind).toBe(c.expect.kind);

      if (assessment.kind === 'needs_info') {
        expect(assessment.missing).toEqual(c.expect.missing);
        expect(assessment.why.map((r) => r.code)).toHaveLength(assessment.missing.length);
      } else if (c.expect.missing) {
        throw new Error('expected needs_info');
      }

      const decision = decisionOf(assessment);
      if (decision) {
        if (c.expect.outcome) expect(decision.outcome).toBe(c.expect.outcome);
        if (c.expect.amountMinor !== undefined)
          expect(decision.amount).toEqual({ amountMinor: c.expect.amountMinor, currency: 'USD' });
        if (c.expect.remedy) expect(decision.remedy).toBe(c.expect.remedy);
        expect(decision.decidedBy).toEqual({ type: 'system', id: 'policy-engine' });
        expect(decision.policy).toEqual({ id: loaded.id, version: loaded.version });
        if (decision.outcome === 'denied') expect(decision.remedy).toBe('none');
        for (const line of c.expect.arithmetic ?? []) expect(decision.arithmetic).toContain(line);
        expect(decision.arithmetic[decision.arithmetic.length - 1]).toMatch(/^total \d+ USD minor units/);
        if (c.expect.verdicts) {
          expect(Object.fromEntries(decision.findings.map((f) => [f.requestId, f.verdict]))).toEqual(c.expect.verdicts);
        }
      }

      const reasons = [...(decision?.reasons ?? []), ...(assessment.kind === 'decided' ? [] : assessment.why)];
      for (const code of c.expect.codes ?? []) expect(reasons.map((r) => r.code)).toContain(code);
      if (c.expect.says) expect(reasons.map((r) => r.message).join('\n')).toContain(c.expect.says);
      for (const reason of reasons) {
        expect(seed).toContain(normalise(reason.quote));
        expect(reason.message.length).toBeGreaterThan(0);
      }

      if (c.staff) runStaff(c, theClaim, decision);
    });
  });

  function runStaff(c: PolicyCase, theClaim: ClaimFacts, proposal: Decision | undefined): void {
    const staff = c.staff!;
    const decide = () =>
      staffDecision(loaded, theClaim, { ...staff.input, actor: STAFF }, proposal, ledger(policyId, c.ledger));
    if ('violation' in staff.expect) {
      expect(decide).toThrow(PolicyViolation);
      try {
        decide();
      } catch (error) {
        expect((error as PolicyViolation).code).toBe(staff.expect.violation);
      }
      return;
    }
    const decision = decide();
    expect(decision).toMatchObject({
      outcome: staff.expect.outcome,
      amount: { amountMinor: staff.expect.amountMinor, currency: 'USD' },
      remedy: staff.expect.remedy,
      decidedBy: STAFF,
      policy: { id: loaded.id, version: loaded.version },
    });
    expect(decision.reasons[0]).toMatchObject({ code: 'staff_decision', clause: loaded.pack.staffReview.clause });
    for (const code of staff.expect.codes ?? []) expect(decision.reasons.map((r) => r.code)).toContain(code);
    if (staff.input.note) expect(decision.note).toBe(staff.input.note.trim());
  }
}
