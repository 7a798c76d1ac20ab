import { useTranslation } from 'react-i18next';

/**
 * Numbers, money and dates for the current language, all through Intl: yuan with the ¥ sign in
 * both languages (narrowSymbol: en-US would otherwise write "CN¥"), dates in Asia/Shanghai where
 * the settlements happen.
 */
const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function fmt<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = cache.get(key) as T | undefined;
  if (!f) {
    f = make();
    cache.set(key, f);
  }
  return f;
}

export interface Formatters {
  num(n: number | null | undefined, digits?: number): string;
  money(n: number | null | undefined): string;
  /** ¥1.2万 / ¥1.2M: compact money for axes and tight table cells */
  moneyCompact(n: number | null | undefined): string;
  date(s: string | null | undefined): string;
  dateTime(s: string | null | undefined): string;
  percent(n: number): string;
}

export function formatters(lang: string): Formatters {
  const locale = lang === 'en' ? 'en-US' : 'zh-CN';
  const dash = '—';
  return {
    num: (n, digits = 0) => (n === null || n === undefined ? dash : fmt(`${locale}:n${digits}`, () => new Intl.NumberFormat(locale, { maximumFractionDigits: digits })).format(n)),
    money: (n) =>
      n === null || n === undefined
        ? dash
        : fmt(`${locale}:m`, () => new Intl.NumberFormat(locale, { style: 'currency', currency: 'CNY', currencyDisplay: 'narrowSymbol', minimumFractionDigits: 2, maximumFractionDigits: 2 })).format(n),
    moneyCompact: (n) =>
      n === null || n === undefined
        ? dash
        : fmt(`${locale}:mc`, () => new Intl.NumberFormat(locale, { style: 'currency', currency: 'CNY', currencyDisplay: 'narrowSymbol', notation: 'compact', maximumFractionDigits: 1 })).format(n),
    date: (s) => (s ? fmt(`${locale}:d`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'Asia/Shanghai' })).format(parseDate(s)) : dash),
    dateTime: (s) =>
      s ? fmt(`${locale}:dt`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Shanghai' })).format(parseDate(s)) : dash,
    percent: (n) => fmt(`${locale}:p`, () => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 })).format(n),
  };
}

/** A bare date (2024-03-05) is a day in China, not UTC midnight. */
function parseDate(s: string): Date {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) ? new Date(`${s}T00:00:00+08:00`) : new Date(s);
}

export function useFormat(): Formatters {
  const { i18n } = useTranslation();
  return formatters(i18n.language);
}
