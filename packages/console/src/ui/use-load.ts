// Loads data for a page: {data, error, reload}; the error is already in words.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { describeFailure } from '../session.js';

export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const reload = useCallback(async () => {
    setLoading(true);
    try {
      setData(await load());
      setError(undefined);
    } catch (err) {
      setError(describeFailure(err));
    } finally {
      setLoading(false);
    }
  }, deps);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload };
}

/** Runs an action and keeps its outcome in words for an alert. */
export function useAction() {
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | undefined>();
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<string | undefined>) => {
    setBusy(true);
    setMessage(undefined);
    try {
      const text = await action();
      if (text) setMessage({ kind: 'success', text });
      return true;
    } catch (err) {
      setMessage({ kind: 'error', text: describeFailure(err) });
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { message, busy, run, setMessage };
}
