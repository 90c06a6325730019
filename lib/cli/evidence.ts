import { readFileSync, writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { Inventory, InventoryEntry, RenderOptions } from '../evidence';
import { ArgumentError, PortplanError } from '../model/errors';
import { jsonSyntaxError } from '../model/json-error';
import {
  InputError,
  UsageError,
  choicesOf,
  collect,
  commandCatalogs,
  declarationOf,
  fileFault,
  type Source,
} from './source';
import type { CommandContext } from './context';
import { evidence } from './lazy';

/**
 * `portplan evidence` and `portplan learn`: the plan checked against flow logs, and a patch to the
 * declaration from what the logs show. The CLI reads the files named and prints; the evidence
 * module does the reading of logs, the classifying and the rendering.
 * @packageDocumentation
 */

/** Exit codes of `portplan evidence` and `portplan learn`. */
export const EVIDENCE_EXIT = { asPlanned: 0, notAsPlanned: 1, error: 2 } as const;

/** What the evidence commands take from the CLI around them. */
export type EvidenceContext = CommandContext;

interface InventoryOptions {
  readonly hosts?: string[];
  readonly awsEnis?: string;
  readonly awsSgs?: string;
  readonly azureNics?: string;
  readonly azureAsgs?: string;
}

interface EvidenceOptions extends Source, InventoryOptions {
  readonly logFormat?: string;
  readonly format: 'text' | 'json' | 'md';
  readonly sql?: 'athena';
  readonly table?: string;
  readonly where?: string;
  readonly maxFaults: string;
}

interface LearnOptions extends Source, InventoryOptions {
  readonly logFormat?: string;
  readonly format: 'yaml' | 'diff' | 'json';
  readonly draftCatalog?: string;
  readonly draftProduct: string;
}

function readText(file: string, option: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(file, fileFault(e, file, option), option);
  }
}

function readJson(file: string, option: string): unknown {
  const text = readText(file, option).replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch (e) {
    const fault = jsonSyntaxError(text);
    const where = fault ? `${fault.message} at line ${fault.line}, column ${fault.column}` : (e as Error).message;
    throw new InputError(file, `${option} ${file} is not valid JSON: ${where}`, option);
  }
}

// Both files of a pair, or neither.
function pair(a: string | undefined, b: string | undefined, names: string): [string, string] | undefined {
  if (a === undefined && b === undefined) return undefined;
  if (a === undefined || b === undefined) throw new UsageError(names, `give both ${names.replace('/', ' and ')}`);
  return [a, b];
}

/**
 * The inventory the options name: hosts files, the AWS listings, the Azure listings, together.
 * @throws UsageError when none is given or a pair is half given; InputError, InventoryError for the files
 */
export function readInventory(o: InventoryOptions): Inventory {
  const entries: InventoryEntry[] = [];
  for (const f of o.hosts ?? []) entries.push(...evidence().parseHostsFile(readText(f, '--hosts'), f));
  const aws = pair(o.awsEnis, o.awsSgs, '--aws-enis/--aws-sgs');
  if (aws) {
    const groups = evidence().securityGroupGroups(readJson(aws[1], '--aws-sgs'), aws[1]);
    entries.push(...evidence().awsInterfaceEntries(readJson(aws[0], '--aws-enis'), groups, aws[0]));
  }
  const azure = pair(o.azureNics, o.azureAsgs, '--azure-nics/--azure-asgs');
  if (azure) {
    const groups = evidence().asgGroups(readJson(azure[1], '--azure-asgs'), azure[1]);
    entries.push(...evidence().azureNicEntries(readJson(azure[0], '--azure-nics'), groups, azure[0]));
  }
  if (!o.hosts?.length && !aws && !azure)
    throw new UsageError(
      '--hosts/--aws-enis/--azure-nics',
      'give an inventory of which addresses are in which group: --hosts <file>, --aws-enis <file> --aws-sgs <file>, or --azure-nics <file> --azure-asgs <file>',
    );
  return new (evidence().Inventory)(entries);
}

function inventoryOptions(c: Command): Command {
  return c
    .option('--hosts <file>', 'a hosts file: one line per address or CIDR, then its group names; repeatable', collect)
    .option('--aws-enis <file>', 'the output of aws ec2 describe-network-interfaces (with --aws-sgs)')
    .option('--aws-sgs <file>', 'the output of aws ec2 describe-security-groups: groups tagged portplan:group')
    .option('--azure-nics <file>', 'the output of az network nic list -o json (with --azure-asgs)')
    .option('--azure-asgs <file>', 'the output of az network asg list -o json: ASGs tagged portplan:group')
    .option(
      '--log-format <format>',
      "the AWS flow log record format of files without a header line, as create-flow-logs' --log-format takes it",
    );
}

// With the AWS listings, the security group rules that let accepted traffic through.
function siteRules(o: InventoryOptions): RenderOptions {
  if (o.awsEnis === undefined || o.awsSgs === undefined) return {};
  const find = evidence().awsRuleFinder(
    readJson(o.awsSgs, '--aws-sgs'),
    readJson(o.awsEnis, '--aws-enis'),
    o.awsSgs,
    o.awsEnis,
  );
  return { letThrough: (u) => find(u.samples[0]) };
}

// Errors the user can fix end the command with exit 2, so 1 always means "not as planned".
const userFault = (e: unknown): e is Error =>
  e instanceof PortplanError || (e instanceof Error && (e.name === 'InputError' || e.name === 'UsageError'));

function guard(ctx: EvidenceContext, name: string, run: () => Promise<void> | void): void | Promise<void> {
  const fail = (e: unknown) => {
    if (!userFault(e)) throw e;
    ctx.err(`portplan: ${e.message}\n`);
    ctx.exit(EVIDENCE_EXIT.error);
  };
  try {
    if (!ctx.async)
      throw new ArgumentError('argv', name, 'a command run through runAsync(): it reads files as streams');
    return Promise.resolve(run()).catch(fail);
  } catch (e) {
    fail(e);
  }
}

const EXITS =
  `\nExit codes: ${EVIDENCE_EXIT.asPlanned} as planned, ${EVIDENCE_EXIT.notAsPlanned} drift (a planned flow rejected), ` +
  `unplanned traffic accepted, or faults in the logs (malformed lines, damaged files), ` +
  `${EVIDENCE_EXIT.error} the check could not run (usage, unreadable declaration, inventory or path).`;

function evidenceCommand(program: Command, ctx: EvidenceContext): void {
  const c = ctx.withSource(
    program
      .command('evidence')
      .description(
        'check the plan against flow logs (AWS VPC Flow Logs, Azure VNet and NSG flow logs): each planned flow seen, rejected or unused; traffic no flow plans',
      )
      .argument('[paths...]', 'flow log files or directories: AWS text (gzip or plain), Azure JSON'),
  );
  inventoryOptions(c)
    .addOption(choicesOf(new Option('--format <format>', 'output format'), ['text', 'json', 'md']).default('text'))
    .addOption(
      choicesOf(new Option('--sql <engine>', 'print the SQL of the evidence over the flow log table instead'), [
        'athena',
      ]),
    )
    .option('--table <name>', 'with --sql: the VPC flow log table (or database.table)', 'vpc_flow_logs')
    .option('--where <condition>', "with --sql: a condition on the table's columns, such as a partition range")
    .option('--max-faults <n>', 'faults listed of each kind (all are counted)', '20')
    .addHelpText(
      'after',
      `
The inventory says which addresses are in which declared group; peers are known by their CIDRs.
  portplan evidence --file site.yaml --hosts hosts.txt logs/
  portplan evidence --file site.yaml --aws-enis enis.json --aws-sgs sgs.json --format md s3-copy/
  portplan evidence --file site.yaml --hosts hosts.txt --sql athena --where "\\"date\\" >= DATE '2026-11-01'"${EXITS}`,
    )
    .action((paths: string[], o: EvidenceOptions, cmd: Command) =>
      guard(ctx, 'evidence', async () => {
        const { ATHENA_QUERY_MAX, athenaSql, collectEvidence, readFlowLogs, verdict } = evidence();
        const resolution = ctx.load(o, cmd);
        const inventory = readInventory(o);
        if (o.sql) {
          const sql = athenaSql(resolution, inventory, { table: o.table, format: o.logFormat, where: o.where });
          const bytes = Buffer.byteLength(sql);
          if (bytes > ATHENA_QUERY_MAX)
            ctx.err(
              `warning: the query has ${bytes} bytes; Athena takes at most ${ATHENA_QUERY_MAX}: give the inventory as ranges where hosts share a subnet, or split it\n`,
            );
          ctx.out(sql);
          return;
        }
        if (!paths.length) throw new UsageError('<paths>', 'give the flow log files or directories to read');
        const maxFaults = Number(o.maxFaults);
        if (!Number.isInteger(maxFaults) || maxFaults < 0)
          throw new ArgumentError('--max-faults', o.maxFaults, 'a whole number from 0');
        const reader = readFlowLogs(paths, { awsFormat: o.logFormat, issueSamples: maxFaults });
        const report = await collectEvidence(reader, resolution, inventory);
        const summary = reader.summary();
        const { evidenceText: text, evidenceMarkdown: md, evidenceJson: json } = evidence();
        ctx.out({ text, md, json }[o.format](report, summary, resolution, siteRules(o)));
        ctx.exit(verdict(report, summary).asPlanned ? EVIDENCE_EXIT.asPlanned : EVIDENCE_EXIT.notAsPlanned);
      }),
    );
}

function learnCommand(program: Command, ctx: EvidenceContext): void {
  const c = ctx.withSource(
    program
      .command('learn')
      .description(
        'propose a change to the declaration (options, peers) and draft catalog rows that plan the accepted traffic the flow logs show and the plan does not',
      )
      .argument('<paths...>', 'flow log files or directories: AWS text (gzip or plain), Azure JSON'),
  );
  inventoryOptions(c)
    .addOption(
      choicesOf(new Option('--format <format>', 'the changed declaration with comments, a unified diff, or JSON'), [
        'yaml',
        'diff',
        'json',
      ]).default('yaml'),
    )
    .option(
      '--draft-catalog <file>',
      'write draft catalog rows (for traffic no catalog row explains) to this YAML file',
    )
    .option('--draft-product <id>', "the draft catalog's product id", 'observed')
    .addHelpText(
      'after',
      `
Each change is checked: the changed declaration resolves, and the traffic is then planned.
Draft rows cite no vendor document: review each, cite its source, or delete it.
  portplan learn --file site.yaml --hosts hosts.txt --draft-catalog observed.yaml logs/ > site.learned.yaml
  portplan evidence --file site.learned.yaml --catalog observed.yaml --hosts hosts.txt logs/

Exit codes: ${EVIDENCE_EXIT.asPlanned} every kind of accepted unplanned traffic is planned by the change, ` +
        `${EVIDENCE_EXIT.notAsPlanned} some is not (listed as NOT LEARNED), or draft rows are needed and --draft-catalog is not given, ` +
        `${EVIDENCE_EXIT.error} the command could not run.`,
    )
    .action((paths: string[], o: LearnOptions, cmd: Command) =>
      guard(ctx, 'learn', async () => {
        const resolution = ctx.load(o, cmd);
        // The declaration as given, with the set the resolution was made with (built once).
        const original = declarationOf(o, cmd, commandCatalogs(resolution.catalog));
        const inventory = readInventory(o);
        const reader = evidence().readFlowLogs(paths, { awsFormat: o.logFormat });
        const report = await evidence().collectEvidence(reader, resolution, inventory);
        const result = evidence().learnFromEvidence(report, resolution, inventory, original, {
          product: o.draftProduct,
        });
        if (result.draft && o.draftCatalog) writeFileSync(o.draftCatalog, evidence().draftCatalogYaml(result.draft));
        if (o.format === 'diff') ctx.out(evidence().learnDiff(original, result));
        else if (o.format === 'json') ctx.out(`${JSON.stringify({ version: 1, ...result }, null, 2)}\n`);
        else ctx.out(evidence().learnYaml(result, o.draftCatalog));
        if (result.draft && !o.draftCatalog)
          ctx.err('portplan: some traffic needs draft catalog rows: give --draft-catalog <file> to write them\n');
        const faults = reader.summary().issueCount;
        if (faults) ctx.err(`portplan: ${faults} faults in the logs: run portplan evidence to see them\n`);
        const complete = !result.unlearned.length && (!result.draft || o.draftCatalog !== undefined);
        ctx.exit(complete ? EVIDENCE_EXIT.asPlanned : EVIDENCE_EXIT.notAsPlanned);
      }),
    );
}

/** `portplan evidence` and `portplan learn`. */
export function registerEvidence(program: Command, ctx: EvidenceContext): void {
  evidenceCommand(program, ctx);
  learnCommand(program, ctx);
}
