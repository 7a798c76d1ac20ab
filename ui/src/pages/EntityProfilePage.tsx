import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { ENTITY_TYPES, type EntityType } from '../api/types.ts';
import { EntityDetails } from '../components/EntityDetails.tsx';
import { Empty } from '../components/States.tsx';

export function EntityProfilePage() {
  const { type = '', key = '' } = useParams();
  const { t } = useTranslation();
  if (!(ENTITY_TYPES as string[]).includes(type)) return <Empty>{t('state.notFound')}</Empty>;
  return (
    <section className="profile-page" data-testid="profile-page">
      <h1>
        {t(`nodeType.${type}`)} <span className="mono">{key}</span>
      </h1>
      <EntityDetails type={type as EntityType} entityKey={key} />
    </section>
  );
}
