import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api/client.ts';
import { ENTITY_TYPES, type SearchHit } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { can, useUser } from '../auth.tsx';
import { Empty, ErrorBox, Loading } from '../components/States.tsx';
import { styleOf } from '../graph/style.ts';

export function EntitySearch() {
  const { t } = useTranslation();
  const user = useUser()!;
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const type = params.get('type') ?? '';
  const [text, setText] = useState(q);
  const result = useApi(() => (q ? api.get<{ items: SearchHit[] }>('/entities/search', { q, type, limit: 50 }) : Promise.resolve({ items: [] as SearchHit[] })), [q, type]);

  function submit(e: FormEvent) {
    e.preventDefault();
    const next = new URLSearchParams(params);
    next.set('q', text.trim());
    setParams(next);
  }

  if (!can.explore(user.role)) return <Empty />;
  return (
    <section>
      <h1>{t('search.title')}</h1>
      <form className="filters" onSubmit={submit}>
        <input type="search" className="wide" placeholder={t('search.placeholder')} value={text} onChange={(e) => setText(e.target.value)} data-testid="entity-search" autoFocus />
        <select
          value={type}
          onChange={(e) => {
            const next = new URLSearchParams(params);
            if (e.target.value) next.set('type', e.target.value);
            else next.delete('type');
            setParams(next);
          }}
          aria-label={t('search.types')}
        >
          <option value="">{t('queue.allFamilies')}</option>
          {ENTITY_TYPES.map((x) => (
            <option key={x} value={x}>
              {t(`nodeType.${x}`)}
            </option>
          ))}
        </select>
        <button type="submit" className="primary">
          {t('search.go')}
        </button>
      </form>
      {!q ? null : result.error ? (
        <ErrorBox error={result.error} retry={result.reload} />
      ) : result.loading ? (
        <Loading />
      ) : result.data!.items.length === 0 ? (
        <Empty>{t('search.none')}</Empty>
      ) : (
        <table className="table" data-testid="search-results">
          <thead>
            <tr>
              <th>{t('search.col.type')}</th>
              <th>{t('search.col.name')}</th>
              <th>{t('search.col.key')}</th>
              <th>{t('search.col.match')}</th>
              <th>{t('search.col.rings')}</th>
            </tr>
          </thead>
          <tbody>
            {result.data!.items.map((h) => (
              <tr key={h.id}>
                <td>
                  <span className="legend-dot" style={{ background: styleOf(h.type).color }}>
                    <img src={styleOf(h.type).icon} alt="" />
                  </span>{' '}
                  {t(`nodeType.${h.type}`)}
                </td>
                <td>
                  <Link to={`/entities/${h.type}/${encodeURIComponent(h.key)}`}>{h.label}</Link>
                </td>
                <td className="mono">{h.key}</td>
                <td className="muted">{t(`search.match.${h.match}`)}</td>
                <td data-testid="ring-badges">
                  {h.rings.ids.map((id) => (
                    <Link key={id} to={`/rings/${encodeURIComponent(id)}`} className="badge badge-ring" data-testid="ring-badge" title={id}>
                      {t('search.inRing')}
                    </Link>
                  ))}
                  {h.rings.count > h.rings.ids.length && <span className="muted small"> +{h.rings.count - h.rings.ids.length}</span>}
                  {h.rings.count === 0 && <span className="muted">—</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
