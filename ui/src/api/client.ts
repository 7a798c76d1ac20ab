import type { Tokens, SessionUser } from './types.ts';

/** One invalid field of a 400: where, the server's words, and zod's code (too_small, invalid_format…). */
export interface FieldProblem {
  path: string;
  message: string;
  code?: string | undefined;
}

/**
 * An API error as problem+json describes it (RFC 9457): the status, the kind of problem (the slug of
 * `type`, urn:ringlens:problem:<kind>), the server's English detail, the field errors of a 400 and the
 * statuses a case may move to (409). The workbench shows it in the user's language (api/errors.ts).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly fieldErrors: FieldProblem[] = [],
    readonly kind: string | null = null,
    readonly allowed: string[] = [],
  ) {
    super(`${status}: ${detail}`);
  }
}

const STORE = 'ringlens.session';

function readStored(): Session | null {
  try {
    const raw = localStorage.getItem(STORE);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

interface Session {
  accessToken: string;
  refreshToken: string;
  user: SessionUser;
}

type Listener = (user: SessionUser | null) => void;

/**
 * The workbench's only way to the API: bearer tokens kept for the browser (localStorage, so a second
 * tab, a link from the weekly report or a reload opens signed in — until the 8-hour refresh token ends
 * or the user logs out, which every open tab follows at once through the `storage` event), one silent
 * refresh on a 401 (a tab first takes tokens another tab already refreshed), and problem+json turned
 * into ApiError.
 */
class ApiClient {
  private session: Session | null = null;
  private listeners = new Set<Listener>();
  private refreshing: Promise<boolean> | null = null;

  constructor() {
    this.session = readStored();
    // Another tab logged in, refreshed or logged out.
    window.addEventListener('storage', (e) => {
      if (e.key !== STORE && e.key !== null) return;
      const next = readStored();
      if (next?.accessToken === this.session?.accessToken) return;
      this.session = next;
      for (const l of this.listeners) l(next?.user ?? null);
    });
  }

  get user(): SessionUser | null {
    return this.session?.user ?? null;
  }

  onChange(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private set(s: Session | null) {
    this.session = s;
    if (s) localStorage.setItem(STORE, JSON.stringify(s));
    else localStorage.removeItem(STORE);
    for (const l of this.listeners) l(s?.user ?? null);
  }

  async login(username: string, password: string): Promise<SessionUser> {
    const t = await this.raw<Tokens>('POST', '/auth/login', { username, password }, false);
    this.set({ accessToken: t.accessToken, refreshToken: t.refreshToken, user: t.user });
    return t.user;
  }

  async logout(): Promise<void> {
    try {
      if (this.session) await this.raw('POST', '/auth/logout', undefined, true);
    } finally {
      this.set(null);
    }
  }

  private async refresh(): Promise<boolean> {
    // Another tab may have refreshed (or logged in again) since this tab's request was sent.
    const stored = readStored();
    if (stored && stored.accessToken !== this.session?.accessToken) {
      this.session = stored;
      for (const l of this.listeners) l(stored.user);
      return true;
    }
    const s = this.session;
    if (!s) return false;
    this.refreshing ??= this.raw<Tokens>('POST', '/auth/refresh', { refreshToken: s.refreshToken }, false)
      .then((t) => {
        this.set({ accessToken: t.accessToken, refreshToken: t.refreshToken, user: t.user });
        return true;
      })
      .catch(() => {
        this.set(null);
        return false;
      })
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  private async raw<T>(method: string, path: string, body: unknown, auth: boolean, accept = 'application/json'): Promise<T> {
    const res = await this.fetch(method, path, body, auth, accept);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }

  private async fetch(method: string, path: string, body: unknown, auth: boolean, accept: string): Promise<Response> {
    const headers: Record<string, string> = { accept };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (auth && this.session) headers.authorization = `Bearer ${this.session.accessToken}`;
    let res: Response;
    try {
      res = await fetch(`/api/v1${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch (e) {
      throw new ApiError(0, `network error: ${(e as Error).message}`, [], 'network');
    }
    if (res.ok) return res;
    let detail = res.statusText;
    let errors: FieldProblem[] = [];
    let kind: string | null = null;
    let allowed: string[] = [];
    try {
      const p = (await res.json()) as { type?: string; detail?: string; errors?: FieldProblem[]; allowed?: string[] };
      detail = p.detail ?? detail;
      errors = p.errors ?? [];
      kind = p.type?.startsWith('urn:ringlens:problem:') ? p.type.slice('urn:ringlens:problem:'.length) : null;
      allowed = p.allowed ?? [];
    } catch {
      // not problem+json
    }
    throw new ApiError(res.status, detail, errors, kind, allowed);
  }

  /** An authenticated call; a 401 refreshes the tokens once and retries. */
  async call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    try {
      return await this.raw<T>(method, path, body, true);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401 && this.session && (await this.refresh())) return this.raw<T>(method, path, body, true);
      throw e;
    }
  }

  get<T>(path: string, query?: Record<string, string | number | undefined | null>): Promise<T> {
    const q = query ? new URLSearchParams(Object.entries(query).filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== null && e[1] !== '').map(([k, v]) => [k, String(v)])).toString() : '';
    return this.call<T>('GET', q ? `${path}?${q}` : path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.call<T>('POST', path, body ?? {});
  }

  /**
   * Asks for the job dashboard's cookie (admins; api/queue-board.ts) with this tab's bearer token, so
   * the browser can then open /admin/queues/ itself.
   */
  async boardSession(): Promise<{ board: string }> {
    const go = async () => {
      const res = await fetch('/admin/queues/session', { method: 'POST', headers: { accept: 'application/json', authorization: `Bearer ${this.session?.accessToken ?? ''}` } });
      if (res.ok) return (await res.json()) as { board: string };
      let detail = res.statusText;
      let kind: string | null = null;
      try {
        const p = (await res.json()) as { type?: string; detail?: string };
        detail = p.detail ?? detail;
        kind = p.type?.startsWith('urn:ringlens:problem:') ? p.type.slice('urn:ringlens:problem:'.length) : null;
      } catch {
        // not problem+json
      }
      throw new ApiError(res.status, detail, [], kind);
    };
    try {
      return await go();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401 && (await this.refresh())) return go();
      throw e;
    }
  }

  /** Downloads a file (export packages) with the bearer token. */
  async download(path: string): Promise<Blob> {
    const go = () => this.fetch('GET', path, undefined, true, '*/*');
    try {
      return await (await go()).blob();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401 && (await this.refresh())) return (await go()).blob();
      throw e;
    }
  }
}

export const api = new ApiClient();
