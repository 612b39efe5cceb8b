import { formatMoney } from '../../common/money';
import { businessDaysBetween, type BusinessCalendar } from '../../domain/calendar/business-days';
import { html, type SafeHtml } from './html';

/** "$12.50", or a dash when nothing is at stake. */
export function money(m: { amountMinor: number; currency: string } | null | undefined): string {
  return m ? formatMoney(m) : '—';
}

/** "2026-11-20 14:05 UTC": one unambiguous form for every time on the console. */
export function when(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : '—';
}

/** A deadline as business days left in the policy's own calendar, with its urgency for colouring. */
export interface Countdown {
  urgency: 'overdue' | 'soon' | 'ok';
  text: string;
}

/** One business day or less left counts as due soon. */
const SOON_BUSINESS_DAYS = 1;

export function countdown(now: Date, dueAt: string, calendar: BusinessCalendar): Countdown {
  const due = new Date(dueAt);
  if (due <= now) {
    const late = businessDaysBetween(due, now, calendar);
    return {
      urgency: 'overdue',
      text: late === 0 ? 'overdue today' : `overdue by ${late} business day${late === 1 ? '' : 's'}`,
    };
  }
  const left = businessDaysBetween(now, due, calendar);
  const text = left === 0 ? 'due today' : `${left} business day${left === 1 ? '' : 's'} left`;
  return { urgency: left <= SOON_BUSINESS_DAYS ? 'soon' : 'ok', text };
}

/** The countdown as a badge; the colour is backed by words, so it reads without colour too. */
export function countdownBadge(c: Countdown | null): SafeHtml {
  if (!c) return html`<span class="countdown">—</span>`;
  return html`<span class="countdown countdown-${c.urgency}">${c.text}</span>`;
}

/** "in_review" → "in review". */
export function words(code: string | null | undefined): string {
  return code ? code.replace(/_/g, ' ') : '—';
}

const HOUR_MS = 3_600_000;

function span(ms: number): string {
  const hours = Math.floor(ms / HOUR_MS);
  const days = Math.floor(hours / 24);
  if (days === 0) return hours === 0 ? `${Math.max(1, Math.floor(ms / 60_000))} min` : `${hours} h`;
  return `${days} day${days === 1 ? '' : 's'} ${hours % 24} h`;
}

/**
 * A processor's due_by as calendar time left (processors count hours, not business days); due soon once inside
 * the policy's warning lead time (the hours before due_by at which the lead is warned).
 */
export function calendarCountdown(now: Date, dueAt: string, soonHours: number): Countdown {
  const left = Date.parse(dueAt) - now.getTime();
  if (left <= 0) return { urgency: 'overdue', text: `overdue by ${span(-left)}` };
  return { urgency: left <= soonHours * HOUR_MS ? 'soon' : 'ok', text: `${span(left)} left` };
}
