import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ArgumentError, PortplanError } from '../model/errors';
import { cloudGroupNames } from '../model/placement';
import type { Resolution } from '../model/resolve';
import type { AdminRule } from '../azure/admin-rules';
import type * as Ec2 from '../verify/ec2';
import type { SiteReport } from '../verify/site';
import type * as SiteAzure from '../verify/site-azure';
import { pairName, withHint } from './hint';
import { adminRulesFile, ec2, serviceTagsFile, site, siteAws, siteAzure } from './lazy';
import { collect, fileFault, type Source } from './source';
import type { CommandContext } from './context';

/** Exit codes of `portplan verify`: 0 the site is as planned, 1 drift, 2 the check could not run. */
export const VERIFY_EXIT = { asPlanned: 0, drift: 1, error: 2 } as const;

/** What the verify commands take from the CLI around them. */
export type VerifyContext = CommandContext;

/** A command-line value that can be given more than once. */
export const repeatable = collect;

interface VerifyOptions extends Source {
  readonly group?: string[];
  readonly json?: boolean;
}

// Errors the user can fix (arguments, files, credentials) end the check with exit 2, so exit 1
// always means drift. Errors of other kinds are bugs and propagate.
const userFault = (e: unknown): e is Error =>
  e instanceof PortplanError || (e instanceof Error && (e.name === 'InputError' || e.name === 'UsageError'));

function finish(ctx: VerifyContext, report: SiteReport, json: boolean | undefined): void {
  ctx.out(json ? site().siteReportJson(report) : site().siteReportText(report));
  ctx.exit(report.drift ? VERIFY_EXIT.drift : VERIFY_EXIT.asPlanned);
}

function fail(ctx: VerifyContext, e: unknown): void {
  if (!userFault(e)) throw e;
  ctx.err(`portplan: ${e.message}\n`);
  ctx.exit(VERIFY_EXIT.error);
}

/**
 * Reads a JSON file; a syntax error names the line and column (counted from 1), so a truncated or
 * hand-edited export is found quickly.
 * @throws AzureInputError naming the option and the file
 */
export function readJsonFile(file: string, option: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new (siteAzure().AzureInputError)(option, file, fileFault(e, file, option));
  }
  try {
    // The Azure CLI on Windows may write a byte order mark.
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    const message = (e as Error).message;
    const at = /at position (\d+)/.exec(message);
    const position = at ? Number(at[1]) : text.length;
    const before = text.slice(0, position).split('\n');
    throw new (siteAzure().AzureInputError)(
      option,
      file,
      `${option}: ${file} is not valid JSON at line ${before.length}, column ${before.at(-1)!.length + 1}: ` +
        message.replace(/ in JSON at position \d+.*$/, ''),
    );
  }
}

/**
 * Refuses a check in which declared groups have no security group, naming every one of them and
 * where they were looked for: the VPC (by the portplan:group tag) or the --group pairs.
 * @param names the declared groups
 * @param ids the security group found for each, by name
 * @param vpc the VPC read, if any
 * @param given the --group pairs
 * @throws ArgumentError at `--vpc` when a VPC was read, else at `--group`
 */
export function missingGroups(
  names: readonly string[],
  ids: Readonly<Record<string, string>>,
  vpc: string | undefined,
  given: readonly string[] = [],
): void {
  const missing = names.filter((n) => ids[n] === undefined);
  if (!missing.length) return;
  const them = `${missing.length === 1 ? 'group' : 'groups'} ${missing.join(', ')}`;
  const give = `give --group <name>=sg-... for ${missing.length === 1 ? 'it' : 'each'}`;
  if (vpc === undefined)
    throw new ArgumentError('--group', given, `a security group for every declared group: ${give} (${them})`);
  throw new ArgumentError(
    '--vpc',
    vpc,
    `the VPC of the plan's security groups: no security group of ${vpc} is tagged portplan:group=<name> ` +
      `for the declared ${them}; check the VPC id, or ${give}`,
  );
}

/** Runs `read`; a `--group` pair refused for its group name is refused with the near declared group. */
export function hintGroup<T>(names: readonly string[], read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof ArgumentError && e.path === '--group' && typeof e.value === 'string')
      throw withHint(e, pairName(e.value), names);
    throw e;
  }
}

/**
 * The plan's security groups as `verify aws` and `explain --site aws` find them: by the ids given
 * (`--group name=sg-...`, parsed before EC2 is asked, so a typo costs no API call) and by their
 * tags in the VPC, only those; every declared group found, or an error naming the missing ones.
 * @throws ArgumentError naming `--vpc` when neither `--vpc` nor `--group` is given
 */
export async function readAwsSite(
  resolution: Resolution,
  o: { readonly vpc?: string; readonly group?: readonly string[] },
): Promise<{ ids: Record<string, string>; read: Awaited<ReturnType<typeof Ec2.readSecurityGroups>> }> {
  const given = o.group ?? [];
  if (!o.vpc && !given.length)
    throw new ArgumentError(
      '--vpc',
      undefined,
      'give --vpc <vpc-id>, or --group <name>=<sg-id> for each declared group',
    );
  // The declared groups, and the role-wide group of each role with two or more.
  const names = cloudGroupNames(resolution);
  const explicit = hintGroup(names, () => siteAws().groupIdsByTag(names, [], given));
  const lists = resolution.declaration.peers.flatMap((p) => (p.prefixList ? [p.prefixList] : []));
  const read = await ec2().readSecurityGroups({
    vpcId: o.vpc,
    tagValues: names,
    groupIds: Object.values(explicit),
    prefixListIds: lists.flatMap((l) => l.id ?? []),
    prefixListNames: lists.flatMap((l) => l.name ?? []),
  });
  const ids = siteAws().groupIdsByTag(names, read.groups, given);
  missingGroups(names, ids, o.vpc, given);
  return { ids, read };
}

/** `portplan verify aws` and `portplan verify azure`. */
export function registerVerify(program: Command, ctx: VerifyContext): void {
  const verify = program
    .command('verify')
    .description('check a deployed site against the plan: every planned flow allowed, no rule the plan does not need');
  registerVerifyAws(verify, ctx);
  registerVerifyAzure(verify, ctx);
}

const EXITS =
  `\nExit codes: ${VERIFY_EXIT.asPlanned} as planned, ${VERIFY_EXIT.drift} drift, ` +
  `${VERIFY_EXIT.error} the check could not run (usage, files, credentials).`;

// `verify aws`: the plan's security groups read from EC2.
function registerVerifyAws(verify: Command, ctx: VerifyContext): void {
  ctx
    .withSource(
      verify.command('aws').description('read the security groups from the EC2 API and check them against the plan'),
    )
    .option(
      '--vpc <vpc-id>',
      "read the plan's security groups from this VPC: those tagged portplan:group=<name> for its groups",
    )
    .option(
      '--group <name=sg-id>',
      'the security group of a declared group (for groups portplan did not create); repeatable',
      repeatable,
    )
    .option('--json', 'machine-readable JSON with stable field names')
    .addHelpText(
      'after',
      `
Credentials and region come from the standard AWS settings (AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY, or AWS_PROFILE; AWS_REGION); AWS_ENDPOINT_URL points at another endpoint.
Needs the optional package @aws-sdk/client-ec2 (npm install @aws-sdk/client-ec2@^3).${EXITS}`,
    )
    .action(async (o: VerifyOptions & { vpc?: string }, cmd: Command) => {
      try {
        // A program calling the synchronous run() cannot wait for EC2.
        if (!ctx.async) {
          throw new ArgumentError('argv', 'verify aws', 'a command run through runAsync(): it waits for EC2');
        }
        const resolution = ctx.load(o, cmd);
        const { ids, read } = await readAwsSite(resolution, o);
        finish(ctx, siteAws().verifyAwsSite(resolution, ids, read.groups, { prefixLists: read.prefixLists }), o.json);
      } catch (e) {
        fail(ctx, e);
      }
    });
}

type VerifyAzureOptions = VerifyOptions & {
  nsg: string;
  asgs?: string;
  nsgName?: string;
  adminRules?: string;
  serviceTags?: string;
  addressSpace: string[];
};

// `verify azure`: an NSG and its ASGs from Azure's own JSON.
function registerVerifyAzure(verify: Command, ctx: VerifyContext): void {
  ctx
    .withSource(
      verify.command('azure').description("check an NSG and its ASGs, as Azure's own JSON has them, against the plan"),
    )
    .requiredOption(
      '--nsg <file>',
      'the NSG: output of az network nsg show -g <rg> -n <nsg> -o json, or an ARM template from az group export',
    )
    .option(
      '--asgs <file>',
      'the ASGs: output of az network asg list -g <rg> -o json (with an ARM export: those of other resource groups)',
    )
    .option('--nsg-name <name>', 'the NSG to check when an ARM export holds several')
    .option(
      '--admin-rules <file>',
      "the VNet's Virtual Network Manager security admin rules, evaluated before the NSG: output of " +
        'az network manager list-effective-security-admin-rule -o json',
    )
    .requiredOption(
      '--address-space <cidr>',
      "the VNet's address space (what the VirtualNetwork tag means); repeatable",
      repeatable,
    )
    .option(
      '--service-tags <file>',
      'the address ranges of service tags the peers or rules name (Storage, AzureUpdateDelivery...): output of ' +
        'az network list-service-tags --location <region> -o json',
    )
    .option(
      '--group <name=asg>',
      'the ASG (name or id) of a declared group not tagged portplan:group; repeatable',
      repeatable,
    )
    .option('--json', 'machine-readable JSON with stable field names')
    .addHelpText(
      'after',
      `
  az network nsg show -g <resource-group> -n <nsg> -o json > nsg.json
  az network asg list -g <resource-group> -o json > asgs.json
  portplan verify azure --file declaration.yaml --nsg nsg.json --asgs asgs.json --address-space 10.40.0.0/16${EXITS}`,
    )
    .action((o: VerifyAzureOptions, cmd: Command) => {
      try {
        const resolution = ctx.load(o, cmd);
        const { nsg, groups, adminRules, serviceTags } = readAzureSite(resolution, o);
        const report = siteAzure().verifyAzureSite(resolution, { addressSpace: o.addressSpace }, nsg, groups, {
          adminRules,
          ...(serviceTags ? { serviceTags } : {}),
        });
        finish(ctx, report, o.json);
      } catch (e) {
        fail(ctx, e);
      }
    });
}

/** The Azure site's files as `verify azure` and `explain --site azure` name them. */
export interface AzureSiteFiles {
  /** `--nsg`: the NSG, or an ARM export that holds it. */
  readonly nsg: string;
  /** `--asgs`: the ASG list. */
  readonly asgs?: string;
  /** `--nsg-name`: the NSG of an export that holds several. */
  readonly nsgName?: string;
  /** `--admin-rules`: the VNet's Virtual Network Manager security admin rules. */
  readonly adminRules?: string;
  /** `--service-tags`: the address ranges of service tags, as Azure publishes them. */
  readonly serviceTags?: string;
  /** `--group name=asg` pairs. */
  readonly group?: readonly string[];
}

/**
 * The Azure site as `verify azure` and `explain --site azure` read it: the NSG, the ASG of each
 * declared group (and role-wide group), and the admin rules (none without `--admin-rules`), which
 * the site's compile (azureSiteModel, lib/verify/site-azure.ts) evaluates before the NSG.
 * @throws AzureInputError or ArgumentError naming the option, the file and the field
 */
export function readAzureSite(
  resolution: Resolution,
  o: AzureSiteFiles,
): {
  nsg: SiteAzure.NsgInput;
  groups: Record<string, string>;
  adminRules: AdminRule[];
  serviceTags?: Record<string, string[]>;
} {
  const nsgJson = readJsonFile(o.nsg, '--nsg');
  const nsg = siteAzure().readNsg(nsgJson, o.nsg, o.nsgName);
  const asgs = siteAsgs(nsgJson, o);
  const adminRules = o.adminRules
    ? adminRulesFile().readAdminRules(readJsonFile(o.adminRules, '--admin-rules'), o.adminRules)
    : [];
  // The declared groups, and the role-wide group of each role with two or more.
  const names = cloudGroupNames(resolution);
  const groups = hintGroup(names, () => siteAzure().asgsOfGroups(names, asgs, o.group ?? [], nsg));
  const serviceTags = o.serviceTags
    ? serviceTagsFile().readServiceTags(readJsonFile(o.serviceTags, '--service-tags'), o.serviceTags)
    : undefined;
  return { nsg, groups, adminRules, ...(serviceTags ? { serviceTags } : {}) };
}

/**
 * The ASGs a site's rules name: an ARM export's own, and those of other resource groups (`--asgs`).
 * @throws ArgumentError naming `--asgs` when it is needed and not given
 */
export function siteAsgs(nsgJson: unknown, o: { nsg: string; asgs?: string }): ReturnType<typeof SiteAzure.readAsgs> {
  const exported = typeof nsgJson === 'object' && nsgJson !== null && 'resources' in nsgJson;
  if (!o.asgs && !exported) {
    throw new ArgumentError(
      '--asgs',
      undefined,
      'the output of az network asg list -g <resource-group> -o json (needed unless --nsg is an ARM export)',
    );
  }
  return [
    ...(exported ? siteAzure().readAsgs(nsgJson, o.nsg) : []),
    ...(o.asgs ? siteAzure().readAsgs(readJsonFile(o.asgs, '--asgs'), o.asgs) : []),
  ];
}
