import { z } from 'zod';
import { isHolidayRule } from '../calendar/holiday-list';

const text = z.string().min(1);

/** One holiday and its observed days, in date-holidays' rule grammar. */
const HolidayRuleSchema = z.strictObject({
  name: text,
  rule: text.refine(isHolidayRule, 'not a date-holidays rule'),
});

/** The exact holiday list a pack's business days skip, named with the official source it was written from. */
export const HolidayListSchema = z.strictObject({
  name: text,
  source: text,
  days: z
    .array(HolidayRuleSchema)
    .min(1)
    .refine((days) => new Set(days.map((d) => d.rule)).size === days.length, 'a holiday rule is listed twice'),
});
