import { useCallback, useState } from 'react';

/** What a manager has picked so far: the element to cancel and the one to start before. */
export interface TokenMove {
  /** Whether the move form is open (only then do diagram clicks pick). */
  readonly open: boolean;
  setOpen(open: boolean): void;
  readonly cancel: string;
  readonly start: string;
  setCancel(id: string): void;
  setStart(id: string): void;
  /** A click on the diagram: an element with a token is the one to cancel, any other the target. */
  pick(id: string): void;
  clear(): void;
}

/** The token-move choice, shared by the diagram (click to pick) and the form (lists). */
export function useTokenMove(tokens: Readonly<Record<string, number>>): TokenMove {
  const [open, setOpen] = useState(false);
  const [cancel, setCancel] = useState('');
  const [start, setStart] = useState('');
  const pick = useCallback((id: string) => ((tokens[id] ?? 0) > 0 ? setCancel(id) : setStart(id)), [tokens]);
  const clear = useCallback(() => {
    setCancel('');
    setStart('');
  }, []);
  return { open, setOpen, cancel, start, setCancel, setStart, pick, clear };
}
