import { useTranslation } from 'react-i18next';
import { setLang } from '../i18n/index.ts';

export function LangSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <button type="button" className="link" data-testid="lang-switch" onClick={() => setLang(i18n.language === 'en' ? 'zh' : 'en')}>
      {t('nav.language')}
    </button>
  );
}
