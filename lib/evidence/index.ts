/**
 * Evidence from flow logs: what the traffic the clouds logged says about a plan. Security groups
 * and NSGs keep no hit counters; AWS VPC Flow Logs and Azure VNet and NSG flow logs do record
 * each flow and what was done with it. This module reads those logs (streaming, gzip or plain,
 * files or directory trees, malformed input counted and reported, never dropped in silence),
 * maps addresses to declared groups through an inventory (a hosts file, or the clouds' own
 * interface listings), and counts each record against the planned flows: each flow accepted,
 * rejected or never seen, and the traffic no flow covers, with the catalog rows that would open
 * what was rejected. Pure Node: no cloud SDK, no credentials.
 * @packageDocumentation
 */
export { canonicalAddress } from './address';
export { AWS_DEFAULT_FORMAT, AWS_FIELDS, AWS_REQUIRED_FIELDS, parseAwsFormat, type AwsFormat } from './aws';
export { FlowLogError, InventoryError } from './errors';
export { ISSUE_SAMPLES, ISSUE_TEXT_MAX, type FlowLogIssue, type IssueReason } from './issues';
export type { FlowAction, FlowDirection, FlowRecord, FlowSource, FlowState } from './record';
export { FlowLogReader, readFlowLogs, type ReadOptions, type ReadSummary } from './reader';
export { GROUP_NAME, Inventory, parseHostsFile, type InventoryEntry } from './inventory';
export { GROUP_TAG, ROLE_TAG } from '../model/tags';
export { asgGroups, awsInterfaceEntries, azureIdKey, azureNicEntries, securityGroupGroups } from './inventory-clouds';
export {
  checkInventory,
  planClassifier,
  type Classifier,
  type Membership,
  type Packet,
  type PacketClass,
} from './classify';
export { rowOpenings, openingRows, membershipText, type OpeningSource, type RowOpening } from './openings';
export { addressRegions, type AddressRegion } from './regions';
export { ATHENA_COLUMNS, ATHENA_QUERY_MAX, addressKey, athenaSql, type AthenaOptions } from './athena';
export {
  draftCatalogYaml,
  learnDiff,
  learnFromEvidence,
  learnYaml,
  trafficText,
  type LearnChange,
  type LearnOptions,
  type LearnResult,
  type Unlearned,
} from './learn';
export { unifiedDiff, yamlText, type YamlComments } from './yaml-text';
export { switchesOf, switchText, type RowSwitch } from './advice';
export { awsRuleFinder, type RuleFinder } from './site-rules';
export {
  EVIDENCE_JSON_VERSION,
  letThroughText,
  type RenderOptions,
  evidenceJson,
  evidenceMarkdown,
  evidenceText,
  verdict,
  type EvidenceVerdict,
} from './render';
export {
  EvidenceCollector,
  collectEvidence,
  type ActionTallies,
  type EvidenceTotals,
  type CatalogMatch,
  type EvidenceOptions,
  type EvidenceReport,
  type FlowEvidence,
  type FlowSample,
  type FlowStatus,
  type OutsideAddresses,
  type Tally,
  type UnplannedTraffic,
} from './evidence';
