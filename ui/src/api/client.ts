import type { Tokens, SessionUser } from './types.ts';

/** An API error as problem+json describes it (RFC 9457), with the field errors of a 400. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly fieldErrors: { path: string; message: string }[] = [],
  ) {
    super(`${status}: ${detail}`);
  }
}

const STORE = 'ringlens.session';

interface Session {
  accessToken: string;
  refreshToken: string;
  user: SessionUser;
}

type Listener = (user: SessionUser | null) => void;

/**
 * The workbench's only way to the API: bearer tokens kept for the browser tab (sessionStorage),
 * one silent refresh on a 401, and problem+json turned into ApiError.
 */
class ApiClient {
  private session: Session | null = null;
  private listeners = new Set<Listener>();
  private refreshing: Promise<boolean> | null = null;

  constructor() {
    try {
      const raw = sessionStorage.getItem(STORE);
      if (raw) this.session = JSON.parse(raw) as Session;
    } catch {
      this.session = null;
    }
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
    if (s) sessionStorage.setItem(STORE, JSON.stringify(s));
    else sessionStorage.removeItem(STORE);
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
      throw new ApiError(0, `network error: ${(e as Error).message}`);
    }
    if (res.ok) return res;
    let detail = res.statusText;
    let errors: { path: string; message: string }[] = [];
    try {
      const p = (await res.json()) as { detail?: string; errors?: { path: string; message: string }[] };
      detail = p.detail ?? detail;
      errors = p.errors ?? [];
    } catch {
      // not problem+json
    }
    throw new ApiError(res.status, detail, errors);
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
