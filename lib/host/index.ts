/**
 * portplan's host firewall adapter: the rules a host of one role needs in its own firewall, read
 * from the spec's rule placement, written as PowerShell (Windows), nftables or firewalld (Linux).
 * No cloud SDK.
 * @packageDocumentation
 */
export { HOST_OS, type HostOs } from '../model';
export {
  HostAddressRequiredError,
  HostFirewallError,
  hostRules,
  parseAddresses,
  planHost,
  type GroupAddresses,
  type HostPlanOptions,
  type HostRule,
  type HostRules,
} from './rules';
export { DEFAULT_PROFILES, WINDOWS_PROFILES, parseProfiles, powershell, type WindowsProfile } from './powershell';
export { nftables } from './nftables';
export { FIREWALLD_OUT_POLICY, firewalld } from './firewalld';
export {
  HOST_FORMATS,
  hostFirewall,
  type HostFirewallRequest,
  type HostFirewallScript,
  type HostFormat,
} from './request';
