// The host firewall's refusals alone, without the writers: the command line tells them apart
// from other errors whichever command ran.
import { PortplanError } from '../model/errors';

/**
 * A bad host firewall request: an unknown or undeclared role, a role whose hosts do not run the
 * operating system asked for, or a bad `--address`. `path` is the option at fault (`--role`,
 * `--os`, `--address`), `value` what was given there; the message says what is allowed.
 */
export class HostFirewallError extends PortplanError {
  /** Always `HOST_FIREWALL`. */
  readonly code: string = 'HOST_FIREWALL';
}

/**
 * The groups a host would admit from any address because the user gave no `--address` for them.
 * Least privilege by default: refused unless the user asks for it (`--any-address`). `path` is
 * `--address`, `value` the groups.
 */
export class HostAddressRequiredError extends HostFirewallError {
  /** Always `HOST_ADDRESS_REQUIRED`. */
  override readonly code: string = 'HOST_ADDRESS_REQUIRED';

  /** @param groups the groups with no address, sorted */
  constructor(readonly groups: readonly string[]) {
    const their = groups.length === 1 ? 'its rules' : 'their rules';
    const give = groups.map((g) => `--address ${g}=<cidr>[,<cidr>...]`).join(' ');
    super(
      '--address',
      groups,
      `--address: no address for ${groups.join(', ')}; ${their} would admit any address. ` +
        `Give the addresses (${give}), or pass --any-address to admit any address on purpose`,
    );
  }
}
