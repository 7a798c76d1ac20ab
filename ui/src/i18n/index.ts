import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en.ts';
import { zh } from './zh.ts';

export type Lang = 'zh' | 'en';
const STORE = 'ringlens.lang';

function initialLang(): Lang {
  const saved = localStorage.getItem(STORE);
  return saved === 'en' || saved === 'zh' ? saved : 'zh';
}

void i18next.use(initReactI18next).init({
  resources: { zh: { translation: zh }, en: { translation: en } },
  lng: initialLang(),
  fallbackLng: 'zh',
  interpolation: { escapeValue: false },
  returnNull: false,
});
document.documentElement.lang = i18next.language === 'en' ? 'en' : 'zh-CN';

export function setLang(lang: Lang): void {
  localStorage.setItem(STORE, lang);
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  void i18next.changeLanguage(lang);
}

export const currentLang = (): Lang => (i18next.language === 'en' ? 'en' : 'zh');
export { i18next };
