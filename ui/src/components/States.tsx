import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.ts';
import { describeError } from '../api/errors.ts';
import { currentLang } from '../i18n/index.ts';

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <div className="state state-loading" role="status" data-testid="loading">
      <span className="spinner" aria-hidden /> {label ?? t('state.loading')}
    </div>
  );
}

export function Empty({ children }: { children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="state state-empty" data-testid="empty">
      {children ?? t('state.empty')}
    </div>
  );
}

export function ErrorBox({ error, retry }: { error: Error; retry?: () => void }) {
  const { t } = useTranslation();
  // The server's own words stay on the element for support (data-detail), not in the sentence people read.
  const raw = error instanceof ApiError ? `${error.status} ${error.detail}${error.fieldErrors.length ? ` (${error.fieldErrors.map((f) => `${f.path}: ${f.message}`).join('; ')})` : ''}` : error.message;
  const detail = describeError(error, t as unknown as Parameters<typeof describeError>[1], currentLang());
  return (
    <div className="state state-error" role="alert" data-testid="error" data-detail={raw}>
      {t('state.error', { detail })}
      {retry && (
        <button type="button" onClick={retry}>
          {t('state.retry')}
        </button>
      )}
    </div>
  );
}

/** Loading, error or the content: every data view goes through this. */
export function Async<T>({ state, children, empty, emptyText }: { state: { data: T | undefined; error: Error | undefined; loading: boolean; reload(): void }; children(d: T): ReactNode; empty?: (d: T) => boolean; emptyText?: string }) {
  if (state.error) return <ErrorBox error={state.error} retry={state.reload} />;
  if (state.data === undefined) return <Loading />;
  if (empty?.(state.data)) return <Empty>{emptyText}</Empty>;
  return <>{children(state.data)}</>;
}
