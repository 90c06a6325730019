import { PortplanError, showValue } from '../model/errors';

/**
 * A flow log path that cannot be read at all (it does not exist), code `FLOW_LOG`. Faults inside
 * a log are never thrown: they are counted and reported as issues, and reading goes on.
 */
export class FlowLogError extends PortplanError {
  /** Always `FLOW_LOG`. */
  readonly code = 'FLOW_LOG';
}

/**
 * An inventory file that does not say which addresses belong to which group, code `INVENTORY`:
 * names the file, the path inside it (a line, or a JSON path) and the value found there.
 */
export class InventoryError extends PortplanError {
  /** Always `INVENTORY`. */
  readonly code = 'INVENTORY';
  /**
   * @param file the inventory file as given
   * @param where the line (`line 3`) or JSON path (`NetworkInterfaces[2].Groups[0].GroupId`) at fault
   * @param value the value found there
   * @param allowed what is allowed there
   */
  constructor(
    /** The inventory file as given. */
    readonly file: string,
    where: string,
    value: unknown,
    allowed: string,
  ) {
    super(`${file}: ${where}`, value, `${file}: ${where}: ${allowed} (got ${showValue(value)})`);
  }
}
