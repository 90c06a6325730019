import type { Command } from 'commander';
import { ArgumentError, PortplanError, type PresetName, type Resolution } from '../spec';
import { readSecurityGroups } from '../verify/ec2';
import { siteReportJson, siteReportText, type SiteReport } from '../verify/site';
import { groupIdsByTag, verifyAwsSite } from '../verify/site-aws';

/** Exit codes of `portplan verify`: 0 the site is as planned, 1 drift, 2 the check could not run. */
export const VERIFY_EXIT = { asPlanned: 0, drift: 1, error: 2 } as const;

/** What the verify commands take from the CLI around them. */
export interface VerifyContext {
  /** Adds the declaration options (`--preset`, `--file`) to a command. */
  readonly withSource: (c: Command) => Command;
  /** Loads and resolves the declaration the options name. */
  readonly load: (options: { preset?: PresetName; file?: string }) => Resolution;
  /** Standard output. */
  readonly out: (text: string) => void;
  /** Standard error. */
  readonly err: (text: string) => void;
  /** Sets the process's exit code. */
  readonly exit: (code: number) => void;
  /** Whether the CLI awaits actions (`runAsync`); `verify aws` needs it. */
  readonly async: boolean;
}

/** A command-line value that can be given more than once. */
export const repeatable = (v: string, prev: string[] = []): string[] => [...prev, v];

interface VerifyOptions {
  readonly preset?: PresetName;
  readonly file?: string;
  readonly group?: string[];
  readonly json?: boolean;
}

// Errors the user can fix (arguments, files, credentials) end the check with exit 2, so exit 1
// always means drift. Errors of other kinds are bugs and propagate.
const userFault = (e: unknown): e is Error =>
  e instanceof PortplanError || (e instanceof Error && (e.name === 'InputError' || e.name === 'UsageError'));

function finish(ctx: VerifyContext, report: SiteReport, json: boolean | undefined): void {
  ctx.out(json ? siteReportJson(report) : siteReportText(report));
  ctx.exit(report.drift ? VERIFY_EXIT.drift : VERIFY_EXIT.asPlanned);
}

function fail(ctx: VerifyContext, e: unknown): void {
  if (!userFault(e)) throw e;
  ctx.err(`portplan: ${e.message}\n`);
  ctx.exit(VERIFY_EXIT.error);
}

/** `portplan verify aws` and `portplan verify azure`. */
export function registerVerify(program: Command, ctx: VerifyContext): void {
  const verify = program
    .command('verify')
    .description('check a deployed site against the plan: every planned flow allowed, no rule the plan does not need');
  const exits = `\nExit codes: ${VERIFY_EXIT.asPlanned} as planned, ${VERIFY_EXIT.drift} drift, ${VERIFY_EXIT.error} the check could not run (usage, files, credentials).`;

  ctx.withSource(verify.command('aws').description('read the security groups from the EC2 API and check them against the plan'))
    .option('--vpc <vpc-id>', 'read every security group of this VPC; groups tagged portplan:group=<name> are the declared groups')
    .option('--group <name=sg-id>', 'the security group of a declared group (for groups portplan did not create); repeatable', repeatable)
    .option('--json', 'machine-readable JSON with stable field names')
    .addHelpText('after', `
Credentials and region come from the standard AWS settings (AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY, or AWS_PROFILE; AWS_REGION); AWS_ENDPOINT_URL points at another endpoint.
Needs the optional package @aws-sdk/client-ec2 (npm install @aws-sdk/client-ec2@^3).${exits}`)
    .action(async (o: VerifyOptions & { vpc?: string }) => {
      try {
        if (!ctx.async) throw new Error('verify aws reads EC2 asynchronously: call runAsync()');
        const resolution = ctx.load(o);
        const given = o.group ?? [];
        if (!o.vpc && !given.length) throw new ArgumentError('--vpc', undefined, 'give --vpc <vpc-id>, or --group <name>=<sg-id> for each declared group');
        const names = resolution.declaration.groups.map((g) => g.name);
        // Parse the pairs before asking EC2, so a typo costs no API call.
        const explicit = groupIdsByTag(names, [], given);
        const groups = await readSecurityGroups({ vpcId: o.vpc, groupIds: Object.values(explicit) });
        const ids = groupIdsByTag(names, groups, given);
        finish(ctx, verifyAwsSite(resolution, ids, groups), o.json);
      } catch (e) {
        fail(ctx, e);
      }
    });
}
