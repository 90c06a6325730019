// The modules only some commands use, loaded when such a command runs: `explain` of a pair or a
// table starts without the load time of the site readers, the flow log readers and the cloud
// planners. Each returns the module Node has cached after the first call.
import type * as Aws from '../aws';
import type * as Azure from '../azure';
import type * as Evidence from '../evidence';
import type * as Host from '../host';
import type * as CatalogDiff from '../model/catalog-diff';
import type * as CatalogTable from '../model/catalog-table';
import type * as ImportFirewalld from '../model/import-firewalld';
import type * as AdminRulesFile from '../verify/admin-rules-file';
import type * as ServiceTagsFile from '../verify/service-tags-file';
import type * as Ec2 from '../verify/ec2';
import type * as ExplainAws from '../verify/explain-aws';
import type * as ExplainAzure from '../verify/explain-azure';
import type * as PlanDiff from '../verify/plan-diff';
import type * as Site from '../verify/site';
import type * as SiteAws from '../verify/site-aws';
import type * as SiteAzure from '../verify/site-azure';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded when the command that needs it runs */
/** The AWS planner (`report`). */
export const aws = (): typeof Aws => require('../aws') as typeof Aws;
/** The Azure planner (`report`). */
export const azure = (): typeof Azure => require('../azure') as typeof Azure;
/** The flow log readers and checks (`evidence`, `learn`). */
export const evidence = (): typeof Evidence => require('../evidence') as typeof Evidence;
/** The host firewall's writers (`host-firewall`). */
export const host = (): typeof Host => require('../host') as typeof Host;
/** Two catalogs compared (`catalog diff`). */
export const catalogDiff = (): typeof CatalogDiff => require('../model/catalog-diff') as typeof CatalogDiff;
/** A product's port table (`catalog show`). */
export const catalogTable = (): typeof CatalogTable => require('../model/catalog-table') as typeof CatalogTable;
/** firewalld's service files as a catalog (`catalog import firewalld`). */
export const importFirewalld = (): typeof ImportFirewalld =>
  require('../model/import-firewalld') as typeof ImportFirewalld;
/** The reader of Azure admin rules (`verify azure --admin-rules`). */
export const adminRulesFile = (): typeof AdminRulesFile =>
  require('../verify/admin-rules-file') as typeof AdminRulesFile;
/** The reader of Azure's service tag ranges (`--service-tags`). */
export const serviceTagsFile = (): typeof ServiceTagsFile =>
  require('../verify/service-tags-file') as typeof ServiceTagsFile;
/** The EC2 reader (`verify aws`, `explain --site aws`). */
export const ec2 = (): typeof Ec2 => require('../verify/ec2') as typeof Ec2;
/** `explain --site aws`. */
export const explainAws = (): typeof ExplainAws => require('../verify/explain-aws') as typeof ExplainAws;
/** `explain --site azure`. */
export const explainAzure = (): typeof ExplainAzure => require('../verify/explain-azure') as typeof ExplainAzure;
/** The packet sets of two plans compared (`catalog diff`). */
export const planDiff = (): typeof PlanDiff => require('../verify/plan-diff') as typeof PlanDiff;
/** The site report's renderers (`verify`). */
export const site = (): typeof Site => require('../verify/site') as typeof Site;
/** The AWS site's check (`verify aws`, `explain --site aws`). */
export const siteAws = (): typeof SiteAws => require('../verify/site-aws') as typeof SiteAws;
/** The Azure site's readers and check (`verify azure`, `explain --site azure`). */
export const siteAzure = (): typeof SiteAzure => require('../verify/site-azure') as typeof SiteAzure;
/* eslint-enable @typescript-eslint/no-require-imports */
