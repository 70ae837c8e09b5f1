import type { HimRoleName } from '../audit/entry.js';
import { AppError } from '../errors.js';

/** Where a ledger movement stands in HIM review. Every movement starts `unreviewed`. */
export const REVIEW_STATES = ['unreviewed', 'reviewed', 'flagged', 'escalated', 'resolved'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

/** What a reviewer may set; `resolved` is the privacy officer's answer to a flag or an escalation. */
export const REVIEW_MARKS = ['reviewed', 'flagged', 'escalated'] as const;
export type ReviewMark = (typeof REVIEW_MARKS)[number];

/** A ledger record's position, which names it for review: `<shard>:<seq>`. */
export type EntryRef = `${number}:${number}`;
export const ENTRY_REF = /^(0|[1-9]\d{0,5}):([1-9]\d{0,11})$/;

/** The review state of one ledger record: the latest of its review events. */
export interface ReviewStatus {
  ref: string;
  state: ReviewState;
  /** Count of review events so far (0 while unreviewed): the version a change must name. */
  version: number;
  at?: string;
  by?: string;
}

/** One review event of a ledger record, kept for ever as its history. */
export interface ReviewEvent {
  ref: string;
  version: number;
  from: ReviewState;
  to: ReviewState;
  at: string;
  /** `him:<user>` */
  by: string;
  role: HimRoleName;
  /** Why (required for a flag and a resolution). Stated to carry no PHI; stored as written. */
  comment?: string;
}

/** Longest comment: a reason or a resolution note, not a record. */
export const MAX_COMMENT = 1000;

/** Which state each change may start from, and who may make it. */
const TRANSITIONS: Record<
  Exclude<ReviewState, 'unreviewed'>,
  { from: readonly ReviewState[]; roles: readonly HimRoleName[] }
> = {
  reviewed: { from: ['unreviewed'], roles: ['him-reviewer', 'privacy-officer'] },
  flagged: { from: ['unreviewed', 'reviewed'], roles: ['him-reviewer', 'privacy-officer'] },
  escalated: { from: ['unreviewed', 'reviewed', 'flagged'], roles: ['him-reviewer', 'privacy-officer'] },
  resolved: { from: ['flagged', 'escalated'], roles: ['privacy-officer'] },
};

/**
 * The event that moves `current` to `to`, when the rules allow it: a movement is
 * reviewed once; a flag needs a reason; anything open may be escalated to the
 * privacy officer; only a privacy officer resolves a flag or an escalation, with a note.
 *
 * @throws AppError('review-conflict') (409) naming the current state when the change does not apply;
 *   AppError('forbidden') when the role may not make it; AppError('invalid-query') for a missing comment.
 */
export function reviewEvent(
  current: ReviewStatus,
  change: {
    to: Exclude<ReviewState, 'unreviewed'>;
    comment?: string;
    by: string;
    role: HimRoleName;
    at: Date;
  },
): ReviewEvent {
  const rule = TRANSITIONS[change.to];
  if (!rule.roles.includes(change.role))
    throw new AppError('forbidden', `only ${rule.roles.join(' or ')} may set a movement ${change.to}`, {
      requiredRoles: rule.roles,
    });
  const comment = change.comment?.trim();
  if ((change.to === 'flagged' || change.to === 'resolved') && !comment)
    throw new AppError(
      'invalid-query',
      `a ${change.to === 'flagged' ? 'flag needs a reason' : 'resolution needs a note'} in "comment"`,
      {
        errors: [{ path: 'comment', message: 'required' }],
      },
    );
  if (!rule.from.includes(current.state))
    throw new AppError(
      'review-conflict',
      `entry ${current.ref} is ${current.state}; it cannot become ${change.to}`,
      {
        ref: current.ref,
        state: current.state,
      },
    );
  return {
    ref: current.ref,
    version: current.version + 1,
    from: current.state,
    to: change.to,
    at: change.at.toISOString(),
    by: change.by,
    role: change.role,
    ...(comment ? { comment } : {}),
  };
}
