import type { Role } from '../access/roles.ts';

/**
 * The case workflow: new → investigating → confirmed | dismissed; confirmed → referred (to the
 * police) → closed; confirmed and dismissed cases may also be closed without referral. Who may make
 * which move is part of the workflow: referral is a supervisor's decision, the liaison closes what
 * was referred to them.
 */
export const CASE_STATUSES = ['new', 'investigating', 'confirmed', 'dismissed', 'referred', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

interface Transition {
  from: CaseStatus;
  to: CaseStatus;
  roles: readonly Role[];
}

export const TRANSITIONS: readonly Transition[] = [
  { from: 'new', to: 'investigating', roles: ['investigator', 'supervisor'] },
  { from: 'investigating', to: 'confirmed', roles: ['investigator', 'supervisor'] },
  { from: 'investigating', to: 'dismissed', roles: ['investigator', 'supervisor'] },
  { from: 'confirmed', to: 'referred', roles: ['supervisor'] },
  { from: 'confirmed', to: 'closed', roles: ['supervisor'] },
  { from: 'dismissed', to: 'closed', roles: ['supervisor'] },
  { from: 'referred', to: 'closed', roles: ['supervisor', 'liaison'] },
];

/** Verdicts feed ranking: a confirmed ring is fraud, a dismissed one a false positive. */
export const VERDICT_OF: Partial<Record<CaseStatus, 'fraud' | 'false-positive'>> = { confirmed: 'fraud', dismissed: 'false-positive' };

export type TransitionCheck =
  | { ok: true }
  | { ok: false; reason: 'invalid-transition'; allowed: CaseStatus[] }
  | { ok: false; reason: 'role-not-allowed'; roles: Role[] };

export const nextStatuses = (from: CaseStatus): CaseStatus[] => TRANSITIONS.filter((t) => t.from === from).map((t) => t.to);

export function checkTransition(from: CaseStatus, to: CaseStatus, role: Role): TransitionCheck {
  const t = TRANSITIONS.find((x) => x.from === from && x.to === to);
  if (!t) return { ok: false, reason: 'invalid-transition', allowed: nextStatuses(from) };
  if (!t.roles.includes(role)) return { ok: false, reason: 'role-not-allowed', roles: [...t.roles] };
  return { ok: true };
}


/** Statuses in which a case still waits for the bureau's own decision (not yet confirmed or dismissed). */
export const UNDECIDED_STATUSES: readonly CaseStatus[] = ['new', 'investigating'];

/**
 * A case is overdue when it is still undecided this many days after it was opened: the figure the
 * weekly report and the team queue show. One number for the whole bureau, kept here with the workflow.
 */
export const CASE_OVERDUE_DAYS = 14;

export const isOverdue = (c: { status: CaseStatus; createdAt: string }, nowMs = Date.now()): boolean =>
  UNDECIDED_STATUSES.includes(c.status) && nowMs - Date.parse(c.createdAt) > CASE_OVERDUE_DAYS * 86_400_000;
