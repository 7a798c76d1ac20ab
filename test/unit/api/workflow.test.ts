import { describe, expect, it } from 'vitest';
import { ROLES } from '../../../access/roles.ts';
import { CASE_STATUSES, checkTransition, nextStatuses, TRANSITIONS, VERDICT_OF } from '../../../cases/workflow.ts';

describe('case workflow', () => {
  it('allows exactly the documented moves', () => {
    expect(TRANSITIONS.map((t) => `${t.from}→${t.to}`)).toEqual([
      'new→investigating',
      'investigating→confirmed',
      'investigating→dismissed',
      'confirmed→referred',
      'confirmed→closed',
      'dismissed→closed',
      'referred→closed',
    ]);
    expect(nextStatuses('closed')).toEqual([]);
  });

  it('rejects every other move as invalid, naming the allowed next statuses', () => {
    for (const from of CASE_STATUSES) {
      for (const to of CASE_STATUSES) {
        const t = TRANSITIONS.find((x) => x.from === from && x.to === to);
        for (const role of ROLES) {
          const r = checkTransition(from, to, role);
          if (!t) expect(r).toEqual({ ok: false, reason: 'invalid-transition', allowed: nextStatuses(from) });
          else if (t.roles.includes(role)) expect(r).toEqual({ ok: true });
          else expect(r).toEqual({ ok: false, reason: 'role-not-allowed', roles: [...t.roles] });
        }
      }
    }
  });

  it('leaves referral to supervisors and lets liaisons close only referred cases', () => {
    expect(checkTransition('confirmed', 'referred', 'investigator')).toMatchObject({ ok: false, reason: 'role-not-allowed' });
    expect(checkTransition('confirmed', 'referred', 'supervisor')).toEqual({ ok: true });
    expect(checkTransition('referred', 'closed', 'liaison')).toEqual({ ok: true });
    expect(checkTransition('dismissed', 'closed', 'liaison')).toMatchObject({ ok: false, reason: 'role-not-allowed' });
    expect(checkTransition('new', 'investigating', 'admin')).toMatchObject({ ok: false, reason: 'role-not-allowed' });
  });

  it('turns confirm and dismiss into verdicts', () => {
    expect(VERDICT_OF).toEqual({ confirmed: 'fraud', dismissed: 'false-positive' });
  });
});
