import { useTranslation } from 'react-i18next';

/** "new" / "grown" since the previous detection run; other changes stay quiet. */
export function ChangeBadge({ change }: { change: string | null }) {
  const { t } = useTranslation();
  if (change !== 'new' && change !== 'grown') return null;
  return (
    <span className={`badge change-${change}`} data-testid={`badge-${change}`}>
      {t(`change.${change}`)}
    </span>
  );
}
