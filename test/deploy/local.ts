// `npm run deploy:local`: deploys the example stacks to a local moto_server and prints, per
// security group, the inbound rules read back from the EC2 API; then stops the server.
import { portRangeText } from '../../lib/spec';
import { EXAMPLE_STACKS } from '../../examples/cdk/stacks';
import { createExistingNetwork, deployAll, deployedIngress, ec2Client, startMoto } from './moto';

/**
 * The inbound rules of one stack as a Markdown table. Rules come as `in group peer protocol
 * from-to` (what deployedIngress reads back); ports are written as everywhere else: `22`, `1000-1009`.
 */
export function ingressTable(stack: string, rules: readonly string[]): string {
  const rows = rules.map((line) => {
    const [, group, peer, protocol, ports] = line.split(' ');
    const range = /^(-?\d+)-(-?\d+)$/.exec(ports);
    const text = range ? portRangeText({ fromPort: Number(range[1]), toPort: Number(range[2]) }) : ports;
    return `| ${group} | ${peer} | ${protocol} | ${text} |\n`;
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
