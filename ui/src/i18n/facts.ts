import type { TFunction } from 'i18next';

/**
 * Stored properties and coded values as people read them: field names come from the `fact`
 * catalogue, coded values (gender F/M, kinds, levels, card types, identity checks) from `value`. A
 * field without a translation is shown as "其他属性", never by its raw name.
 */
export const CODED_FIELDS = ['gender', 'kind', 'level', 'type', 'insuredType', 'identityCheck', 'category', 'status'] as const;

export function factLabel(t: TFunction, entityType: string, key: string): string {
  // An institution's name is its 名称, a person's and a doctor's their 姓名.
  if (key === 'name' && entityType === 'institution') return t('fact.orgName');
  return t(`fact.${key}`, { defaultValue: t('fact.other') });
}

export function factValue(t: TFunction, key: string, value: string | number | boolean | null): string {
  if (value === null) return '—';
  if (typeof value === 'boolean') return t(value ? 'value.yes' : 'value.no');
  if (typeof value === 'number') return String(value);
  if ((CODED_FIELDS as readonly string[]).includes(key)) return t(`value.${key}.${value}`, { defaultValue: value });
  return value;
}
