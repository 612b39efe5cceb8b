import type { Db } from '../db';
import { storedInboundMails } from '../db/chaos-audit';
import { newCase, seedCases, type CaseDriver, type ChaosCase } from './cases';
import type { Findings } from './checks';
import { claimMail, cutSession, deliver, type CutPoint } from './smtp-cut';
import type { ChaosStack } from './stack';

const SUPPORT_ADDRESS = 'refunds@pixazo-api.example';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Claims by mail whose first SMTP session is cut during DATA (half-way, or after the final dot before the
 * reply); the sender then retries the whole message. Each must be stored once and become one claim.
 */
export async function injectSmtpCuts(stack: ChaosStack, driver: CaseDriver, db: Db, count: number) {
  const found: Findings = { duplicates: [], losses: [] };
  const cases: ChaosCase[] = Array.from({ length: count }, () => newCase('credit'));
  await seedCases(stack.apiUrl, cases);
  const port = stack.ports.inboundSmtp;
  let cuts = 0;
  await Promise.all(
    cases.map(async (c, i) => {
      const cut: CutPoint = i % 2 === 0 ? 'mid-data' : 'after-dot';
      const mail = claimMail(c.email, SUPPORT_ADDRESS, c.tag, [`req_${c.tag}_5xx_1`, `req_${c.tag}_5xx_2`]);
      await cutSession(port, mail, cut);
      cuts++;
      const response = await deliver(port, mail);
      if (!response.startsWith('250')) found.losses.push(`${c.tag}: the retried delivery answered ${response}`);
      const deadline = Date.now() + 120_000;
      for (;;) {
        const stored = await storedInboundMails(db, mail.marker);
        if (stored.copies > 1) found.duplicates.push(`${c.tag}: message stored ${stored.copies} times (${cut})`);
        if (stored.claimIds.length > 1)
          found.duplicates.push(`${c.tag}: one message became ${stored.claimIds.length} claims`);
        if (stored.copies >= 1 && stored.claimIds.length >= 1) {
          c.claimId = stored.claimIds[0]!;
          driver.add([c]);
          return;
        }
        if (Date.now() > deadline) {
          found.losses.push(`${c.tag}: ${stored.copies ? 'stored but no claim' : 'not stored'} after the ${cut} cut`);
          c.done = true;
          return;
        }
        await sleep(500);
      }
    }),
  );
  return { cases, cuts, found };
}
