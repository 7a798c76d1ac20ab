/**
 * The four roles of RingLens users. What each may call is declared route by route (api/routes/*);
 * how much personal data each sees is access/masking.ts.
 */
export const ROLES = ['investigator', 'supervisor', 'liaison', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (v: unknown): v is Role => typeof v === 'string' && (ROLES as readonly string[]).includes(v);
