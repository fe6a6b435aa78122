import { Text, useInput } from 'ink';
import { useState } from 'react';

export interface LineInputProps {
  label: string;
  initial?: string;
  /** Tab: returns the completed value and the candidates to show. */
  complete?: (value: string) => Promise<{ value: string; candidates: string[] }>;
  onSubmit: (value: string) => void;
  onCancel: () => void;
}

/** A one-line prompt: typing, Backspace, Enter submits, Esc cancels, Tab completes (when given `complete`). */
export function LineInput({ label, initial = '', complete, onSubmit, onCancel }: LineInputProps) {
  const [value, setValue] = useState(initial);
  const [candidates, setCandidates] = useState<string[]>([]);
  useInput((input, key) => {
    if (key.escape) return onCancel();
    if (key.return) return onSubmit(value);
    if (key.tab && complete) {
      void complete(value).then((c) => {
        setValue(c.value);
        setCandidates(c.candidates);
      });
      return;
    }
    if (key.backspace || key.delete) return setValue((v) => v.slice(0, -1));
    if (key.ctrl || key.meta || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return;
    if (!input) return;
    // Pasted text (or keys sent in one burst) can hold the Enter that ends it.
    const end = input.search(/[\r\n]/);
    if (end === -1) return setValue((v) => v + input);
    const typed = value + input.slice(0, end);
    setValue(typed);
    onSubmit(typed);
  });
  return (
    <Text wrap="truncate">
      <Text color="yellow">{label}</Text>
      {value}
      <Text inverse> </Text>
      {candidates.length > 0 ? <Text dimColor>{`   ${candidates.slice(0, 8).join('  ')}`}</Text> : null}
    </Text>
  );
}
