import { Text, useInput, type Key } from 'ink';
import { useCallback, useLayoutEffect, useRef, useState } from 'react';

export interface LineInputProps {
  label: string;
  initial?: string;
  /** Tab: returns the completed value and the candidates to show. */
  complete?: (value: string) => Promise<{ value: string; candidates: string[] }>;
  onSubmit: (value: string) => void;
  onCancel: () => void;
}

/**
 * A one-line prompt: typing, Backspace, Enter submits, Esc cancels, Tab completes (when given
 * `complete`). Keys that arrive in one chunk (a paste, a fast typist over SSH) are applied one by one.
 */
export function LineInput({ label, initial = '', complete, onSubmit, onCancel }: LineInputProps) {
  const [value, setValue] = useState(initial);
  // The latest value, also between renders: several chunks can arrive before React re-renders.
  const current = useRef(initial);
  const set = (next: string) => {
    current.current = next;
    setValue(next);
  };
  const [candidates, setCandidates] = useState<string[]>([]);
  // The latest props, for one stable handler (see App: Ink re-subscribes a changed handler only after the frame is drawn).
  const handleKey = (input: string, key: Key) => {
    if (key.escape) return onCancel();
    if (key.return) return onSubmit(current.current);
    const tab = () => {
      if (complete === undefined) return;
      void complete(current.current).then((c) => {
        set(c.value);
        setCandidates(c.candidates);
      });
    };
    if (key.tab) return tab();
    if (key.backspace || key.delete) return set(current.current.slice(0, -1));
    if (key.ctrl || key.meta || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return;
    let next = current.current;
    for (const ch of input) {
      if (ch === '\x7f' || ch === '\b') next = next.slice(0, -1);
      else if (ch === '\r' || ch === '\n') {
        set(next);
        return onSubmit(next);
      } else if (ch === '\t') {
        set(next);
        return tab();
      } else if (ch >= ' ') next += ch;
    }
    set(next);
  };
  const latestHandleKey = useRef(handleKey);
  useLayoutEffect(() => {
    latestHandleKey.current = handleKey;
  });
  useInput(useCallback((input: string, key: Key) => latestHandleKey.current(input, key), []));
  return (
    <Text wrap="truncate">
      <Text color="yellow">{label}</Text>
      {value}
      <Text inverse> </Text>
      {candidates.length > 0 ? <Text dimColor>{`   ${candidates.slice(0, 8).join('  ')}`}</Text> : null}
    </Text>
  );
}
