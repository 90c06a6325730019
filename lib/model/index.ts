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
  citationText,
  type CatalogRow,
  type Citation,
  type CountedPorts,
  type EndpointSpec,
  type FallbackPorts,
  type FixedPorts,
  type FlowTemplate,
  type PeerPorts,
  type PortSpec,
  type Protocol,
  type FlowProtocol,
  type IcmpProtocol,
  type IcmpMessage,
  type RowId,
} from './catalog';
export type {
  CatalogDeclaration,
  Declaration,
  GroupDeclaration,
  NormalizedDeclaration,
  NormalizedPeer,
  NormalizedServerProtectOptions,
  NormalizedSumOptions,
  Options,
  PeerDeclaration,
  PeerPrefixList,
  ServerProtectOptions,
  SumOptions,
} from './options';
export { DeclarationError, declarationJsonSchema, validate, type DeclarationProblem } from './validate';
export {
  DESCRIPTION_MAX,
  describeRows,
  portRangeText,
  flowPortsText,
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
export {
  awsPeerAddress,
  azurePeerPrefix,
  type AwsPeerAddress,
  peerAddressText,
  peerCidr,
  prefixListText,
  type PeerAddressForms,
  type ResolvedPrefixList,
} from './peer-address';
export { ArgumentError, PortplanError } from './errors';
export { icmpText, isIcmp } from './port-ranges';
export {
  cloudGroupNames,
  placeCloudRules,
  placeRules,
  roleGroupOf,
  ruleCounts,
  type CloudPlacement,
  type CloudRule,
  type PlacedRule,
  type RoleWideGroup,
  type RuleDirection,
  type RuleHolder,
  type RuleParty,
} from './placement';
export { explain, type ExplainQuery, type Explanation, type RowReason, type WouldOpen } from './explain';
export { choiceText, closestMatch, editDistance } from './suggest';
export { GROUP_TAG, ROLE_TAG } from './tags';
export {
  NAME_TARGETS,
  NameCollisionError,
  checkDistinct,
  composeName,
  encodePart,
  nameKey,
  user,
  type NamePart,
  type NameTarget,
  type NameTargetId,
  type UserPart,
} from './names';
export {
  BUILTIN_PEER_KINDS,
  BUILTIN_ROLE_IDS,
  BUILTIN_ROW_IDS,
  type BuiltinPeerKind,
  type BuiltinRoleId,
  type BuiltinRowId,
} from './builtin.generated';
export {
  catalogJsonSchema,
  type CatalogBroadcast,
  type CatalogCitation,
  type CatalogCondition,
  type CatalogDefinition,
  type CatalogDocument,
  type CatalogEndpoint,
  type CatalogFlow,
  type CatalogOptionDefinition,
  type CatalogPeerKind,
  type CatalogPorts,
  type CatalogPreset,
  type CatalogProduct,
  type CatalogRole,
  type CatalogRowDefinition,
  type ChoiceOptionDefinition,
  type CountOptionDefinition,
  type FlagOptionDefinition,
  type OptionValue,
  type PinnedPortOptionDefinition,
  type RoleRequirement,
} from './catalog-format';
export {
  CatalogError,
  MAX_ROLE_ID_LENGTH,
  CatalogSet,
  conditionText,
  defineCatalog,
  loadCatalog,
  optionOf,
  type CatalogPeerKindInfo,
  type CatalogPresetInfo,
  type CatalogProblem,
  type CatalogProductInfo,
  type CatalogRoleInfo,
  type CatalogSource,
  type ProductCatalog,
} from './catalog-set';
export { BUILTIN_CATALOGS } from './builtin';
export { catalogSet, type CatalogOptions } from './catalogs';
export { readCatalogFile } from './catalog-file';
export {
  FIREWALLD_PRODUCT,
  importFirewalldServices,
  type FirewalldImport,
  type FirewalldImported,
  type FirewalldRefusal,
  type FirewalldRefusalCode,
  type FirewalldRefusalReason,
  type FirewalldServiceFile,
} from './import-firewalld';
export {
  catalogOptions,
  catalogTable,
  endpointSpecText,
  portListText,
  portSpecText,
  type CatalogOptionLine,
  type CatalogTableLine,
} from './catalog-table';
export {
  applyFlowDiff,
  changePortsText,
  diffCatalogs,
  diffFlows,
  normalizeFlows,
  type CatalogDiff,
  type CatalogItemChange,
  type CatalogItemsDiff,
  type FlowChange,
  type FlowDiff,
  type FlowPorts,
  type IcmpCodes,
  type FlowRowsChange,
} from './catalog-diff';
