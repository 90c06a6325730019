/**
 * portplan's spec: the two vendor port tables as one cited catalog, the declaration users write,
 * {@link resolve}, which turns a declaration into the minimal list of flows, and
 * {@link placeRules}, which says which group carries each rule. No cloud SDK here.
 *
 * The exports are listed one by one: a helper a module exports for its neighbours (how a port
 * spec expands, the schema object itself) stays inside the package.
 * @packageDocumentation
 */
export {
  HOST_OS,
  PEER_KINDS,
  PRODUCTS,
  ROLES,
  ROLE_IDS,
  SUM_LATER_SOURCE,
  SUM_PROFILES,
  SUM_TARGET_ROLES,
  roleProfiles,
  type HostOs,
  type PeerKind,
  type Product,
  type ProductId,
  type Role,
  type RoleGroupsProp,
  type RoleId,
  type SumProfile,
} from './roles';
export {
  CATALOG,
  ROW_IDS,
  catalogRow,
  type CatalogRow,
  type Citation,
  type CountOption,
  type CountedPorts,
  type EndpointSpec,
  type FallbackPorts,
  type FixedPorts,
  type FlowTemplate,
  type PeerPorts,
  type PinOption,
  type PortSpec,
  type Protocol,
  type RowId,
} from './catalog';
export type {
  Declaration,
  GroupDeclaration,
  NormalizedDeclaration,
  NormalizedPeer,
  Options,
  PeerDeclaration,
  ServerProtectOptions,
  SumOptions,
} from './options';
export { DeclarationError, declarationJsonSchema, validate, type DeclarationProblem } from './validate';
export {
  DESCRIPTION_MAX,
  describeRows,
  portRangeText,
  resolve,
  warningText,
  type Endpoint,
  type GroupEndpoint,
  type PeerEndpoint,
  type PortRange,
  type Resolution,
  type ResolveWarning,
  type ResolvedFlow,
} from './resolve';
export {
  mergeDeclarations,
  serverProtectDeclaration,
  smartUpdateManagerDeclaration,
  type ServerProtectGroups,
  type SmartUpdateManagerGroups,
} from './products';
export { PRESETS, PRESET_NAMES, type PresetName } from './presets';
export { BROAD_PREFIX, cidrContains, cidrFamily, parseCidr, type Cidr } from './cidr';
export { ArgumentError, PortplanError } from './errors';
export { placeRules, ruleCounts, type PlacedRule, type RuleDirection } from './placement';
export { explain, type ExplainQuery, type Explanation, type RowReason, type WouldOpen } from './explain';
export { closestMatch, editDistance } from './suggest';
