import type { Resolution, ResolvedFlow } from '../model';

/**
 * What a planned flow the logs never show can be switched off by: a flow no traffic uses is a
 * vendor feature not in use, and least privilege says to close it. Each of the flow's rows is
 * opened by the declaration's groups and peers and, where the catalog has one, by an option.
 * @packageDocumentation
 */

/** One row of an unseen flow and the options that open it. */
export interface RowSwitch {
  /** The row id. */
  readonly row: string;
  /** What the row is for. */
  readonly purpose: string;
  /**
   * The options of the row's condition, in the declaration's terms with their value now
   * (`serverProtect.remoteInstall = true`); empty when the row always applies between these ends.
   */
  readonly options: readonly string[];
}

/** The rows of a flow, each with the options that switch it off where the catalog has them. */
export function switchesOf(resolution: Resolution, flow: ResolvedFlow): RowSwitch[] {
  return flow.rows.flatMap((id) => {
    const row = resolution.catalog.row(id);
    if (!row) return [];
    const block = (resolution.declaration as unknown as Record<string, unknown>)[row.optionsField];
    const options = Object.keys(row.when).map((k) => {
      const value = typeof block === 'object' && block !== null ? (block as Record<string, unknown>)[k] : undefined;
      return `${row.optionsField}.${k} = ${value === undefined ? 'unset' : JSON.stringify(value)}`;
    });
    return [{ row: id, purpose: row.purpose, options }];
  });
}

/** The advice for an unseen flow in words: which option switches each row off, or that none does. */
export function switchText(switches: readonly RowSwitch[]): string {
  const parts = switches.map((s) =>
    s.options.length
      ? `${s.row} by option ${s.options.join(' and ')}`
      : `${s.row} by no option (it always applies between these roles: remove the group or peer if unused)`,
  );
  return `a candidate to switch off: ${parts.join('; ')}`;
}
