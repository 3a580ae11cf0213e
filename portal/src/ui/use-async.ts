import { useCallback, useEffect, useRef, useState } from 'react';
import { asProblem } from '../api/problem';
import type { ApiProblem } from '../api/problem';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly problem: ApiProblem | undefined;
  readonly loading: boolean;
  readonly reload: () => void;
}

/** Loads data for a view; `reload` fetches again (after a change). Stale answers are dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; problem?: ApiProblem; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);
  const loader = useRef(load);
  loader.current = load;
  useEffect(() => {
    let current = true;
    setState((previous) => ({ data: previous.data, loading: true }));
    loader.current().then(
      (data) => current && setState({ data, loading: false }),
      (error: unknown) => current && setState({ problem: asProblem(error), loading: false }),
    );
    return () => {
      current = false;
    };
    // The caller's deps decide when to load again (the loader itself changes on every render).
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { data: state.data, problem: state.problem, loading: state.loading, reload };
}

export interface Action<A extends unknown[]> {
  readonly run: (...args: A) => Promise<boolean>;
  readonly pending: boolean;
  readonly problem: ApiProblem | undefined;
  readonly clear: () => void;
}

/** Runs a user action (a button), keeping its pending state and its problem; resolves true on success. */
export function useAction<A extends unknown[]>(action: (...args: A) => Promise<unknown>): Action<A> {
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const ref = useRef(action);
  ref.current = action;
  const run = useCallback(async (...args: A) => {
    setPending(true);
    setProblem(undefined);
    try {
      await ref.current(...args);
      return true;
    } catch (error) {
      setProblem(asProblem(error));
      return false;
    } finally {
      setPending(false);
    }
  }, []);
  const clear = useCallback(() => setProblem(undefined), []);
  return { run, pending, problem, clear };
}
