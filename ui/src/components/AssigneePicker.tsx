import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { Assignee } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';

/**
 * The people a case may go to (GET /assignees: active investigators and supervisors), by name and
 * role — no username typed from memory. The empty choice unassigns.
 */
export function AssigneePicker({ value, onChange, testId = 'assignee-picker' }: { value: string; onChange(username: string): void; testId?: string }) {
  const { t } = useTranslation();
  const people = useApi(() => api.get<{ items: Assignee[] }>('/assignees'), []);
  const items = people.data?.items ?? [];
  // A case may still name someone who has since been disabled: keep them visible as the current value.
  const unknown = value && !items.some((p) => p.username === value);
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId} aria-label={t('case.assignPick')} disabled={people.loading && !people.data}>
      <option value="">{t('case.assignNone')}</option>
      {items.map((p) => (
        <option key={p.username} value={p.username}>
          {t('case.assignOption', { name: p.displayName, username: p.username, role: t(`role.${p.role}`) })}
        </option>
      ))}
      {unknown && <option value={value}>{value}</option>}
    </select>
  );
}
