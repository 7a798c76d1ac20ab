import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api/client.ts';
import { useUser } from '../auth.tsx';
import { ErrorBox, Loading } from '../components/States.tsx';

const BOARD = '/admin/queues';

/** Only the board itself may be the way back (no open redirect through this page). */
export function boardTarget(next: string | null): string {
  if (next && (next === BOARD || next.startsWith(`${BOARD}/`) || next.startsWith(`${BOARD}?`)) && !next.includes('//') && !next.includes('\\')) return next;
  return `${BOARD}/`;
}

/**
 * The way into Bull Board from the browser: the board is outside the single-page app and cannot send
 * the tab's bearer token, so this page (reached from the workbench's link, or by the server's redirect
 * when a browser opens /admin/queues without its cookie) asks for the board's cookie with the token
 * and then opens the board. Non-admins are told why not; signed-out users log in first (the shell).
 */
export function BoardGate() {
  const { t } = useTranslation();
  const user = useUser()!;
  const [params] = useSearchParams();
  const [error, setError] = useState<Error | null>(null);
  const target = boardTarget(params.get('next'));
  useEffect(() => {
    if (user.role !== 'admin') return;
    api.boardSession().then(
      () => window.location.replace(target),
      (e: unknown) => setError(e as Error),
    );
  }, [user.role, target]);
  return (
    <section data-testid="board-gate">
      <h1>{t('board.title')}</h1>
      {user.role !== 'admin' ? (
        <div className="state state-error" role="alert" data-testid="board-admin-only">
          {t('board.adminOnly', { role: t(`role.${user.role}`) })} <Link to="/">{t('board.back')}</Link>
        </div>
      ) : error ? (
        <ErrorBox error={error} />
      ) : (
        <Loading label={t('board.opening')} />
      )}
    </section>
  );
}
