/**
 * portplan's host firewall adapter: the rules a host of one role needs in its own firewall, read
 * from the spec's rule placement, written as PowerShell (Windows) or nftables (Linux). No cloud SDK.
 * @packageDocumentation
 */
export { HOST_OS, type HostOs } from '../spec';
export * from './rules';
export * from './powershell';
export * from './nftables';
export * from './request';
export * from './firewalld';
