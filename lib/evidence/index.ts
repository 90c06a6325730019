/**
 * Evidence from flow logs: what the traffic the clouds logged says about a plan. Security groups
 * and NSGs keep no hit counters; AWS VPC Flow Logs and Azure VNet and NSG flow logs do record
 * each flow and what was done with it. This module reads those logs (streaming, gzip or plain,
 * files or directory trees, malformed input counted and reported, never dropped in silence),
 * Pure Node: no cloud SDK, no credentials.
 * @packageDocumentation
 */
export { canonicalAddress } from './address';
export { AWS_DEFAULT_FORMAT, AWS_FIELDS, AWS_REQUIRED_FIELDS, parseAwsFormat, type AwsFormat } from './aws';
export { FlowLogError } from './errors';
export { ISSUE_SAMPLES, ISSUE_TEXT_MAX, type FlowLogIssue, type IssueReason } from './issues';
export type { FlowAction, FlowDirection, FlowRecord, FlowSource, FlowState } from './record';
export { FlowLogReader, readFlowLogs, type ReadOptions, type ReadSummary } from './reader';
