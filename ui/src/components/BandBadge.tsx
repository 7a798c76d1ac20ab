import { useTranslation } from 'react-i18next';

/** A credit band (A 优秀 … E 差) as a coloured badge; null: not rated. */
export function BandBadge({ band, title }: { band: string | null; title?: string }) {
  const { t } = useTranslation();
  const code = band ?? 'none';
  return (
    <span className={`badge band band-${code}`} data-testid="band-badge" data-band={code} title={title ?? t(`rating.bandName.${code}`, { defaultValue: code })}>
      {band ? `${band} ${t(`rating.bandName.${band}`, { defaultValue: '' })}` : t('rating.bandName.none')}
    </span>
  );
}
