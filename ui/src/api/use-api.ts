import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload(): void;
  /** replace the data in place (after an action answered with the new state) */
  set(d: T): void;
}

interface Answer<T> {
  /** the inputs this answer was asked with */
  inputs: readonly unknown[];
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
}

/** Whether two input lists are the same, element by element, as React compares effect dependencies. */
export function sameInputs(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

/**
 * Runs an API read when its inputs change; the last answer wins, earlier ones are dropped.
 *
 * An answer belongs to the inputs it was asked with: once they change, the old answer is gone at
 * once (the page shows it is loading), so a view never shows one entity's data under another's
 * heading, or "my cases" under the team tab. A reload with the same inputs keeps the old answer on
 * screen until the new one arrives.
 */
export function useApi<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [answer, setAnswer] = useState<Answer<T>>({ inputs: deps, data: undefined, error: undefined, loading: true });
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  const inputs = useRef(deps);
  inputs.current = deps;
  useEffect(() => {
    const mine = ++seq.current;
    const asked = deps;
    setAnswer((a) => ({ inputs: asked, data: sameInputs(a.inputs, asked) ? a.data : undefined, error: undefined, loading: true }));
    load().then(
      (d) => {
        if (mine !== seq.current) return;
        setAnswer({ inputs: asked, data: d, error: undefined, loading: false });
      },
      (e: unknown) => {
        if (mine !== seq.current) return;
        setAnswer({ inputs: asked, data: undefined, error: e instanceof Error ? e : new Error(String(e)), loading: false });
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const set = useCallback((d: T) => setAnswer({ inputs: inputs.current, data: d, error: undefined, loading: false }), []);
  // during the render in which the inputs change, before the effect above has run, the answer on
  // hand is still the old inputs' one
  if (!sameInputs(answer.inputs, deps)) return { data: undefined, error: undefined, loading: true, reload, set };
  return { data: answer.data, error: answer.error, loading: answer.loading, reload, set };
}
