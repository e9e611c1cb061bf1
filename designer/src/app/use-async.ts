import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';

export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Loads again; `quiet` keeps the old data on screen meanwhile (live refresh). */
  reload: (quiet?: boolean) => void;
}

/** Runs a loader when its dependencies change; drops answers that arrive after a newer request. */
export function useAsync<T>(loader: () => Promise<T>, deps: DependencyList): AsyncState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const requestId = useRef(0);
  const latestLoader = useRef(loader);
  latestLoader.current = loader;
  const load = useCallback((quiet = false) => {
    const id = ++requestId.current;
    if (!quiet) setLoading(true);
    latestLoader.current().then(
      (value) => {
        if (id !== requestId.current) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (failure: unknown) => {
        if (id !== requestId.current) return;
        setError(failure);
        setLoading(false);
      },
    );
  }, []);
  useEffect(() => {
    load();
  }, [load, ...deps]);
  return { data, error, loading, reload: load };
}
