import type { DisputeEventKind, DisputeFacts, DisputeOutcome } from './types';

/** Within one second (Stripe's timestamps are whole seconds) a later stage of a dispute wins. */
const KIND_RANK: Record<DisputeEventKind, number> = {
  created: 0,
  updated: 1,
  funds_withdrawn: 2,
  funds_reinstated: 3,
  closed: 4,
};

/** Where an event sits in the dispute's own history: its timestamp, its stage, then its id. */
export interface EventPosition {
  occurredAt: string;
  rank: number;
  eventId: string;
}

export function positionOf(facts: Pick<DisputeFacts, 'occurredAt' | 'kind' | 'eventId'>): EventPosition {
  return { occurredAt: facts.occurredAt, rank: KIND_RANK[facts.kind], eventId: facts.eventId };
}

/** True when `next` is later in the dispute's history than `current`, so its snapshot should win. */
export function isLater(next: EventPosition, current: EventPosition | null): boolean {
  if (!current) return true;
  const byTime = Date.parse(next.occurredAt) - Date.parse(current.occurredAt);
  if (byTime !== 0) return byTime > 0;
  if (next.rank !== current.rank) return next.rank > current.rank;
  return next.eventId > current.eventId;
}

/** The processor's final word, if its status is final: a closed inquiry or a prevented dispute costs nothing, like a win. */
export function outcomeOf(processorStatus: string): DisputeOutcome | null {
  if (processorStatus === 'lost') return 'lost';
  if (['won', 'warning_closed', 'prevented'].includes(processorStatus)) return 'won';
  return null;
}
