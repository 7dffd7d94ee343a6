import { useCallback, useState } from 'react';
import type { Errors, Validated } from '../lib/validation';

/**
 * Form state with validation shown after the first submit attempt: a person is not told off
 * while still typing, but sees every problem at once when trying to send.
 */
export function useForm<Input extends object>(initial: Input) {
  const [values, setValues] = useState(initial);
  const [submitted, setSubmitted] = useState(false);
  const set = useCallback(<K extends keyof Input>(name: K) => (value: Input[K]) => setValues((previous) => ({ ...previous, [name]: value })), []);
  const reset = useCallback(() => {
    setValues(initial);
    setSubmitted(false);
  }, [initial]);
  /** The errors to show for a validation result. */
  const shown = <Output,>(result: Validated<Input, Output>): Errors<Input> => (submitted && !result.ok ? result.errors : {});
  return { values, set, setValues, submitted, submit: () => setSubmitted(true), reset, shown };
}
