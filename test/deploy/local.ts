// `npm run deploy:local`: deploys the example stacks to a local moto_server and prints, per
// security group, the inbound rules read back from the EC2 API; then stops the server.
import { EXAMPLE_STACKS } from '../../examples/cdk/stacks';
import { createExistingNetwork, deployAll, deployedIngress, ec2Client, startMoto } from './moto';

async function main(): Promise<void> {
  const moto = await startMoto();
  try {
    const ec2 = ec2Client(moto);
    const network = await createExistingNetwork(ec2);
    process.stdout.write(`moto_server on ${moto.endpoint} (pid ${moto.process.pid}); deploying the example stacks...\n`);
    deployAll(moto, network);
    for (const stack of EXAMPLE_STACKS) {
      const rules = await deployedIngress(ec2, stack, network);
      process.stdout.write(`\n${stack}: ${rules.length} inbound rules\n\n| group | from | protocol | ports |\n|---|---|---|---|\n`);
      for (const line of rules) {
        const [, group, peer, protocol, ports] = line.split(' ');
        process.stdout.write(`| ${group} | ${peer} | ${protocol} | ${ports} |\n`);
      }
    }
  } finally {
    moto.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
