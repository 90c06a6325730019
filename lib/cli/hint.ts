import { PortplanError } from '../model/errors';
import { didYouMean } from '../model/problems';

/**
 * The error with a "did you mean" for `value` appended to its message, when one of `candidates`
 * is near it (the same hint the declaration and catalog checks give); unchanged otherwise. Errors
 * of other kinds are returned as they are.
 * @param e an error the library threw for a name on the command line
 * @param value the name the user gave
 * @param candidates the names allowed there
 */
export function withHint(e: unknown, value: string, candidates: readonly string[]): unknown {
  if (!(e instanceof PortplanError) || candidates.includes(value)) return e;
  const hint = didYouMean(value, candidates);
  if (hint) e.message = `${e.message}; ${hint}`;
  return e;
}

/** The group name of a `<group>=<value>` pair (`--address`, `--group`); the whole text without `=`. */
export const pairName = (pair: string): string => pair.split('=', 1)[0];
