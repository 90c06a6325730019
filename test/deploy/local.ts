// `npm run deploy:local`: deploys the example stacks to a local moto_server and prints, per
// security group, the inbound rules read back from the EC2 API; then stops the server.
import { portRangeText } from '../../lib/model';
import { EXAMPLE_STACKS } from '../../examples/cdk/stacks';
import { createExistingNetwork, deployAll, deployedIngress, ec2Client, startMoto } from './moto';

/**
 * The inbound rules of one stack as a Markdown table, by group, remote, protocol and port number.
 * Rules come as `in group peer protocol from-to` (what deployedIngress reads back, sorted as text);
 * ports are written as everywhere else: `22`, `1000-1009`.
 */
export function ingressTable(stack: string, rules: readonly string[]): string {
  const parsed = rules.map((line) => {
    const [, group, peer, protocol, ports] = line.split(' ');
    const range = /^(-?\d+)-(-?\d+)$/.exec(ports);
    const span = range ? { fromPort: Number(range[1]), toPort: Number(range[2]) } : undefined;
    return { group, peer, protocol, ports, span };
  });
  // By group, remote and protocol, then by port number: 22 before 139 before 1000-1009.
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  parsed.sort(
    (a, b) =>
      text(a.group, b.group) ||
      text(a.peer, b.peer) ||
      text(a.protocol, b.protocol) ||
      (a.span?.fromPort ?? 0) - (b.span?.fromPort ?? 0) ||
      (a.span?.toPort ?? 0) - (b.span?.toPort ?? 0) ||
      text(a.ports, b.ports),
  );
  const rows = parsed.map(({ group, peer, protocol, ports, span }) => {
    const shown = span ? portRangeText(span) : ports;
    return `| ${group} | ${peer} | ${protocol} | ${shown} |\n`;
  });
  const head = '| group | from | protocol | ports |\n|---|---|---|---|\n';
  return `\n${stack}: ${rules.length} inbound rules\n\n${head}${rows.join('')}`;
}

async function main(): Promise<void> {
  const moto = await startMoto();
  try {
    const ec2 = ec2Client(moto);
    const network = await createExistingNetwork(ec2);
    process.stdout.write(
      `moto_server on ${moto.endpoint} (pid ${moto.process.pid}); deploying the example stacks...\n`,
    );
    deployAll(moto, network);
    for (const stack of EXAMPLE_STACKS) {
      process.stdout.write(ingressTable(stack, await deployedIngress(ec2, stack, network)));
    }
  } finally {
    moto.stop();
  }
}

// Run as the script; imported (by the CLI tests, for the table format) it only defines ingressTable.
if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
