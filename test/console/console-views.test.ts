import { amountToMinor } from '../../server/console/amount';
import { remainderLimit } from '../../server/console/case-actions-view';
import type { LoadedCase } from '../../server/console/case-page';
import { countdown } from '../../server/console/format';
import { html } from '../../server/console/html';
import { clausesOf } from '../../server/console/policies-page';
import { loadPolicyPacks } from '../../domain/policy';

const packs = loadPolicyPacks();
const pixazo = packs.get('pixazo-api')!;

describe('console views', () => {
  it("escapes every interpolated value, so a customer's words cannot inject markup", () => {
    const words = '<script>alert("x")</script> & \'quotes\'';
    expect(String(html`<p title="${words}">${words}</p>`)).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;</p>',
    );
    expect(String(html`<ul>${['a', html`<b>b</b>`, null, false]}</ul>`)).toBe('<ul>a<b>b</b></ul>');
  });

  it("reads an amount typed in the currency's units as exact minor units, and refuses anything else in plain words", () => {
    expect(amountToMinor('60', 'USD')).toBe(6000);
    expect(amountToMinor('60.5', 'USD')).toBe(6050);
    expect(amountToMinor(' 1,234.56 ', 'USD')).toBe(123456);
    expect(amountToMinor('0.07', 'USD')).toBe(7);
    expect(amountToMinor('1200', 'JPY')).toBe(1200);
    expect(amountToMinor('', 'USD')).toBeUndefined();
    expect(() => amountToMinor('12.345', 'USD')).toThrow('not an amount of USD (up to 2 decimal places');
    expect(() => amountToMinor('-5', 'USD')).toThrow('not an amount of USD');
    expect(() => amountToMinor('1.5', 'JPY')).toThrow('up to 0 decimal places');
  });

  it("counts down in the policy's business days: Thanksgiving and the weekend do not count, and a passed deadline is overdue", () => {
    const calendar = pixazo.pack.calendar;
    // Wednesday 25 Nov 2026 noon New York; due at the end of Monday 30 Nov: Thu 26 is Thanksgiving, then Fri, Mon.
    const now = new Date('2026-11-25T17:00:00Z');
    expect(countdown(now, '2026-12-01T04:59:59Z', calendar)).toEqual({ urgency: 'ok', text: '2 business days left' });
    expect(countdown(now, '2026-11-28T04:59:59Z', calendar)).toEqual({ urgency: 'soon', text: '1 business day left' });
    expect(countdown(now, '2026-11-25T22:00:00Z', calendar)).toEqual({ urgency: 'soon', text: 'due today' });
    // Due at the end of Monday 23 Nov: Tuesday and today have passed since.
    expect(countdown(now, '2026-11-24T04:59:59Z', calendar)).toEqual({
      urgency: 'overdue',
      text: 'overdue by 2 business days',
    });
    expect(countdown(now, '2026-11-25T04:59:59Z', calendar)).toEqual({
      urgency: 'overdue',
      text: 'overdue by 1 business day',
    });
  });

  it('lists every clause a pack cites, each with its quote and where it sits', () => {
    const clauses = clausesOf(pixazo.pack);
    expect(clauses).toContainEqual(
      expect.objectContaining({
        where: 'requests.platform_error',
        clause: '§5.2',
        quote: 'Returns an HTTP 5xx server error response attributable to the Pixazo platform',
      }),
    );
    expect(clauses).toContainEqual(expect.objectContaining({ where: 'sla.review', clause: '§5.3' }));
    expect(clauses.every((c) => c.quote.length > 0)).toBe(true);
  });

  it('shows as the remainder limit what the claimed requests cost less what other claims paid, else what is left of the claimed charge', () => {
    const finding = (requestId: string, verdict: string, chargedMinor: number) => ({
      requestId,
      verdict,
      refundableMinor: 0,
      chargedMinor,
    });
    const view = (
      proposalFindings: ReturnType<typeof finding>[],
      charges: { claimed: boolean; remainingMinor: number }[],
    ) =>
      ({
        decision: null,
        proposal: { findings: proposalFindings },
        evidence: { charges, requests: [] },
      }) as unknown as LoadedCase['view'];
    expect(
      remainderLimit(view([finding('a', 'platform_error', 6000), finding('b', 'already_remedied', 6000)], [])),
    ).toBe(6000);
    expect(
      remainderLimit(
        view(
          [],
          [
            { claimed: true, remainingMinor: 4000 },
            { claimed: false, remainingMinor: 9000 },
          ],
        ),
      ),
    ).toBe(4000);
    expect(remainderLimit(view([], []))).toBeNull();
  });
});
