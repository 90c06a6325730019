import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { HOST_OS, type HostOs } from '../model/catalog-format';
import { CatalogError } from '../model/catalog-set';
import { DeclarationError } from '../model/declaration-check';
import { ArgumentError } from '../model/errors';
import { flowPortsText, warningText, type Resolution } from '../model/resolve';
import { declarationJsonSchema } from '../model/validate';
import { HostAddressRequiredError, HostFirewallError } from '../host/errors';
import { HOST_FORMATS } from '../host/formats';
import { registerCatalog } from './catalog';
import { registerEvidence } from './evidence';
import { explainPort, explainText, pairOutput, parsePort, type PortAnswer } from './explain';
import { asksSite, explainSiteCommand, siteOptions, type ExplainSiteContext, type SiteOptions } from './explain-site';
import { pairName, withHint } from './hint';
import { NoFlowsError, withFlows } from './no-flows';
import { host } from './lazy';
import { flowsJson, markdownTable, mermaid } from './render';
import { registerReport } from './report';
import {
  InputError,
  UsageError,
  catalogOption,
  choicesOf,
  load,
  readCatalogs,
  withSource,
  type Source,
} from './source';
import { registerVerify } from './verify';

export { InputError, UsageError, readDeclaration } from './source';
export { NoFlowsError } from './no-flows';

/**
 * Exit codes: 0 done, 1 a bad declaration, catalog or file, or a declaration that yields no flows
 * (for the commands that print flows), 2 a bad command line.
 */
export const EXIT = { ok: 0, badInput: 1, usage: 2 } as const;

/** The version in portplan's package.json: two levels above this file in lib/, three in dist/lib/. */
function packageVersion(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (manifest.name === 'portplan' && manifest.version) return manifest.version;
  }
  return 'unknown';
}

/** The options of `host-firewall`, as commander parses them. */
interface HostFirewallOptions extends Source {
  readonly os: HostOs;
  readonly role: string;
  readonly address?: string[];
  readonly anyAddress?: boolean;
  readonly profile?: string;
  readonly format?: string;
  readonly zone?: string;
}

/** Runs the CLI on `argv` (without `node` and the script), writing to the given streams; returns the exit code. */
export function run(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): number {
  const cli = commands(out, err, false);
  try {
    cli.program.parse(argv, { from: 'user' });
    return cli.status();
  } catch (e) {
    return failure(e, err);
  }
}

/** {@link run} for every command, including those that call a cloud API (`verify aws`): awaits their actions. */
export async function runAsync(
  argv: readonly string[],
  out: (text: string) => void,
  err: (text: string) => void,
): Promise<number> {
  const cli = commands(out, err, true);
  try {
    await cli.program.parseAsync(argv, { from: 'user' });
    return cli.status();
  } catch (e) {
    return failure(e, err);
  }
}

type Commands = { program: Command; status: () => number };

// The program with every command; `status` is the exit code an action set (verify: 1 on drift).

function commands(out: (text: string) => void, err: (text: string) => void, async: boolean): Commands {
  let status: number = EXIT.ok;
  const program = new Command('portplan')
    .description(
      'Firewall rules from vendor port tables (ServerProtect for Windows 5.8, HP Smart Update Manager, your own catalogs): tables, flows, diagrams, host rules.',
    )
    .addHelpText(
      'after',
      `\nExit codes: ${EXIT.ok} done, ${EXIT.badInput} invalid declaration or file, or a declaration that yields ` +
        `no flows (table, flows, diagram, report), ${EXIT.usage} bad command line.`,
    )
    .version(packageVersion(), '-V, --version', 'print the portplan version')
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err })
    .showHelpAfterError('(run with --help for usage)');

  registerViews(program, out, err);
  registerHostFirewall(program, out, err);
  registerSchema(program, out);
  registerExplain(program, {
    out,
    err,
    exit: (code) => {
      status = code;
    },
    async,
  });
  registerVerify(program, {
    withSource,
    load,
    out,
    err,
    exit: (code) => {
      status = code;
    },
    async,
  });
  registerReport(program, { withSource, load: (o, cmd) => withFlows(load(o, cmd)), out });
  registerEvidence(program, { withSource, load, out, err, exit: (code) => (status = code), async });
  registerCatalog(program, {
    out,
    err,
    exit: (code) => {
      status = code;
    },
  });
  return { program, status: () => status };
}

type Write = (text: string) => void;

// `table`, `flows` and `diagram`: the resolved flows, as a table, a list and a flowchart.
function registerViews(program: Command, out: Write, err: Write): void {
  const warn = (r: Resolution) => r.warnings.forEach((w) => err(`warning: ${warningText(w)}\n`));

  withSource(
    program
      .command('table')
      .description('print a Markdown table of the rules: from, to, protocol, ports, rows, purpose, conditions'),
  ).action((o: Source, cmd: Command) => {
    const r = withFlows(load(o, cmd));
    warn(r);
    out(markdownTable(r));
  });

  withSource(program.command('flows').description('print the resolved flows'))
    .option('--json', 'machine-readable JSON with stable field names (version, flows, warnings)')
    .action((o: Source & { json?: boolean }, cmd: Command) => {
      const r = withFlows(load(o, cmd));
      if (o.json) return out(flowsJson(r));
      warn(r);
      for (const f of r.flows) {
        out(`${f.from.name} -> ${f.to.name} ${f.protocol} ${flowPortsText(f)} ${f.rows.join(',')}\n`);
      }
    });

  withSource(
    program
      .command('diagram')
      .description('print a Mermaid flowchart of the role groups and flows, ports on the edges'),
  ).action((o: Source, cmd: Command) => {
    out(mermaid(withFlows(load(o, cmd))));
  });
}

// `host-firewall`: the host's own firewall rules for one role.
function registerHostFirewall(program: Command, out: Write, err: Write): void {
  const hostFirewallCommand = program
    .command('host-firewall')
    .description("print the host's own firewall rules for one role: PowerShell (windows), nftables or firewalld");
  withSource(hostFirewallCommand)
    .addOption(choicesOf(new Option('--os <os>', 'host operating system'), HOST_OS).makeOptionMandatory())
    .requiredOption('--role <role>', 'role id of the host, e.g. serverprotect:console')
    .option(
      '--address <group=cidr>',
      'address ranges of a group (comma-separated), to restrict rules to them; repeatable',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--any-address', 'admit any address for the groups given no --address (refused without it)')
    .addOption(
      choicesOf(
        new Option('--format <format>', 'powershell (windows); nftables ruleset (linux default) or firewalld script'),
        [...new Set(Object.values(HOST_FORMATS).flat())],
      ),
    )
    .option('--zone <zone>', 'firewalld: zone of the inbound rules (default: the default zone when the script runs)')
    .option('--profile <profiles>', 'windows: profiles the rules are active on: Any, or Domain,Private,Public')
    .addHelpText(
      'after',
      [
        '',
        'Every remote group needs --address, or --any-address to admit any address on purpose.',
        'Windows rules are active on the Domain and Private profiles unless --profile says otherwise.',
        'Outbound rules are written too when the declaration has egress: restricted.',
      ].join('\n'),
    )
    .action((o: HostFirewallOptions, cmd: Command) => {
      const r = load(o, cmd);
      const { role, os, address: addresses, anyAddress, profile, format, zone } = o;
      const script = hintNames(r, () =>
        host().hostFirewall(r, { role, os, addresses, anyAddress, profile, format, zone }),
      );
      script.warnings.forEach((w) => err(`warning: ${w}\n`));
      out(script.text);
    });
}

// `schema`: the JSON Schema of a declaration file.
function registerSchema(program: Command, out: Write): void {
  program
    .command('schema')
    .description('print the JSON Schema of a declaration file (with a --catalog: its roles and options too)')
    .addOption(catalogOption())
    .addHelpText('after', '\nThe JSON Schema of a catalog file: portplan catalog schema.')
    .action((o: { catalog?: string[] }) =>
      out(`${JSON.stringify(declarationJsonSchema({ catalogs: readCatalogs(o.catalog) }), null, 2)}\n`),
    );
}

// `explain`: whether the plan opens a port, and why; with --site, against a deployed site too.
function registerExplain(program: Command, ctx: ExplainSiteContext): void {
  const out = ctx.out;
  const command = withSource(
    program
      .command('explain')
      .description(
        'say whether the plan opens a port from a group, peer or address to a group, and why (rows, conditions, options, sources)',
      ),
  )
    .requiredOption(
      '--from <group|peer|cidr>',
      'the side that opens the connection: a group or peer name, or an address range such as 10.0.5.7/32',
    )
    .requiredOption('--to <group>', 'the listening group')
    .option(
      '--port <port[/protocol]>',
      'the port or range and protocol, e.g. 3628/tcp, udp/1000-1009, or ICMP messages: icmp, icmp:8, icmp:3/4, icmpv6:128; none: every port, both ways',
    )
    .option('--json', 'machine-readable JSON: the explanation of one port and protocol');
  siteOptions(command)
    .addHelpText(
      'after',
      [
        '',
        'A bare --port (3628) is taken as the protocol the catalog opens it over to the --to group;',
        'when it opens it over both tcp and udp, or over neither, both are explained.',
        'The first line says which protocols were taken. With --json, such a port needs its protocol.',
        'With --site aws|azure, each planned flow is checked against the deployed site, read as verify',
        'aws|azure reads it (same options), with the rule change that opens what the site blocks and',
        'what the site admits that no vendor row requires.',
        'Exit code 0 whether or not the port is open; the answer says which (2: the site could not be read).',
      ].join('\n'),
    )
    .action((o: Source & SiteOptions & { from: string; to: string; port?: string; json?: boolean }, cmd: Command) => {
      const r = load(o, cmd);
      if (asksSite(o)) return explainSiteCommand(ctx, r, o);
      let answer: PortAnswer;
      try {
        const pair = pairOutput(r, o);
        if (pair !== undefined) return out(pair);
        answer = explainPort(r, { from: o.from, to: o.to, ...parsePort(o.port!) });
      } catch (x) {
        // The library names its parameters; on the command line they are options.
        throw x instanceof ArgumentError && !x.path.startsWith('--') ? explainArgument(x, r) : x;
      }
      if (!o.json)
        return out(`${answer.note ? `${answer.note}\n` : ''}${answer.explanations.map(explainText).join('')}`);
      if (answer.ambiguous) {
        const allowed = `a port with its protocol for --json, ${o.port}/tcp or ${o.port}/udp: ${answer.reason}`;
        throw new ArgumentError('--port', o.port, allowed);
      }
      out(`${JSON.stringify(answer.explanations[0], null, 2)}\n`);
    });
}

// The exit code of an error; errors that are not the user's (bugs) propagate.
function failure(e: unknown, err: (text: string) => void): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  // Refused for least privilege: the command line is well formed, what it asks for is not allowed.
  if (
    e instanceof DeclarationError ||
    e instanceof CatalogError ||
    e instanceof InputError ||
    e instanceof NoFlowsError ||
    e instanceof HostAddressRequiredError
  ) {
    err(`portplan: ${e.message}\n`);
    return EXIT.badInput;
  }
  if (e instanceof UsageError || e instanceof HostFirewallError || e instanceof ArgumentError) {
    err(`portplan: ${e.message}\n(run with --help for usage)\n`);
    return EXIT.usage;
  }
  throw e;
}

// The host firewall's refusal of a role or an --address group, with the near name of the catalog's
// roles or the declaration's groups.
function hintNames<T>(r: Resolution, make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (!(e instanceof HostFirewallError) || typeof e.value !== 'string') throw e;
    if (e.path === '--role') throw withHint(e, e.value, r.catalog.roleIds);
    const groups = r.declaration.groups.map((g) => g.name);
    if (e.path === '--address') throw withHint(e, pairName(e.value), groups);
    throw e;
  }
}

// explain()'s refusal of `from` or `to` as the option it came from, with the near name of a group
// (or peer, for --from).
function explainArgument(x: ArgumentError, r: Resolution): unknown {
  const e = new ArgumentError(`--${x.path}`, x.value, x.allowed);
  const groups = r.declaration.groups.map((g) => g.name);
  const peers = r.declaration.peers.map((p) => p.name);
  if (typeof x.value !== 'string') return e;
  if (x.path === 'to') return withHint(e, x.value, groups);
  // An address range that is malformed is not a mistyped name.
  if (x.path === 'from' && !/[/:]|^\d/.test(x.value)) return withHint(e, x.value, [...groups, ...peers]);
  return e;
}
