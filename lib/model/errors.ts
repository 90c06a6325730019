/**
 * One error family for everything a user can get wrong. Each error has a stable `code` (what kind
 * of fault, for programs and tests), the `path` of the input at fault (`groups[2].role`,
 * `existingSecurityGroups.console`, `--address`), the `value` found there, and a message that says
 * what is allowed. Programs branch on `code`, never on the message text.
 */
export abstract class PortplanError extends Error {
  /** A stable identifier of the kind of fault, such as `DECLARATION` or `AZURE_LIMIT`. */
  abstract readonly code: string;

  /**
   * @param path where the fault is, in the terms of the input the user gave
   * @param value the value found there (`undefined` where a value is missing)
   * @param message what is wrong and what is allowed
   */
  constructor(
    readonly path: string,
    readonly value: unknown,
    message: string,
  ) {
    super(message);
    // The subclass's own name, so logs and `String(e)` say which error it is.
    this.name = new.target.name;
  }
}

/** A value as a short text for an error message: never throws, whatever the input (bigints, cycles). */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    // NaN and the infinities as they are (YAML's .nan, .inf), not as JSON's null.
    if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
    text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * An argument of a construct, component or function that is out of range or names something that
 * does not exist (a group name, a priority band, a limit). Not a cloud limit: see the adapters'
 * limit errors for those.
 */
export class ArgumentError extends PortplanError {
  /** Always `ARGUMENT`. */
  readonly code = 'ARGUMENT';
  /**
   * @param path the argument, as the user wrote it (`maxRulesPerGroup`, `existingSecurityGroups.console`)
   * @param value the value given
   * @param allowed what is allowed there
   */
  constructor(
    path: string,
    value: unknown,
    /** What is allowed there. */
    readonly allowed: string,
  ) {
    super(path, value, `${path}: ${allowed} (got ${showValue(value)})`);
  }
}
