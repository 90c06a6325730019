// The output formats alone, without the writers: the command line lists them in its options
// before any script is written.
import type { HostOs } from '../model/catalog-format';

/** The output formats for each host operating system; the first is the default. */
export const HOST_FORMATS = {
  /** PowerShell `New-NetFirewallRule` commands. */
  windows: ['powershell'],
  /** An nftables ruleset for `nft -f` (default), or a firewalld shell script. */
  linux: ['nftables', 'firewalld'],
} as const satisfies Record<HostOs, readonly string[]>;

/** An output format: `powershell` (Windows), `nftables` or `firewalld` (Linux). */
export type HostFormat = (typeof HOST_FORMATS)[HostOs][number];
