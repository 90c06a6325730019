import type { Command } from 'commander';
import type { Resolution } from '../model/resolve';
import type { Source } from './source';

/** What a command that loads a declaration and sets an exit code takes from the CLI around it. */
export interface CommandContext {
  /** Adds the declaration options (`--preset`, `--file`, `--catalog`) to a command. */
  readonly withSource: (c: Command) => Command;
  /** Loads and resolves the declaration the options name, with their catalogs. */
  readonly load: (options: Source, cmd: Command) => Resolution;
  /** Standard output. */
  readonly out: (text: string) => void;
  /** Standard error. */
  readonly err: (text: string) => void;
  /** Sets the process's exit code. */
  readonly exit: (code: number) => void;
  /** Whether the CLI awaits actions (`runAsync`): reading EC2 or flow logs needs it. */
  readonly async: boolean;
}
