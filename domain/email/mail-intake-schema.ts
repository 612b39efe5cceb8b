import { z } from 'zod';
import { CLAIM_REASONS } from '../../common/claim';

/** A regular expression given as text; it must compile, so a bad pack fails at load, not on a customer's mail. */
const Pattern = z
  .string()
  .min(1)
  .max(200)
  .refine((source) => {
    try {
      new RegExp(source, 'g');
      return true;
    } catch {
      return false;
    }
  }, 'not a valid regular expression');

/**
 * The pack's `mailIntake` section: the support address mail is accepted at, the id formats of this platform,
 * and the words that name a claim reason. A pack without it receives no mail.
 */
export const MailIntakeSchema = z.strictObject({
  /** The support address of the policy (a deployment may override it with INBOUND_MAIL_ADDRESSES). */
  address: z.email(),
  requestId: z.array(Pattern).max(10),
  transactionId: z.array(Pattern).max(10),
  invoiceNumber: z.array(Pattern).max(10),
  /** First rule with a keyword found in the subject or body names the reason; otherwise `other`, triaged by a person. */
  reasonKeywords: z.array(
    z.strictObject({ reason: z.enum(CLAIM_REASONS), keywords: z.array(z.string().min(2)).min(1) }),
  ),
});

export type MailIntake = z.output<typeof MailIntakeSchema>;
