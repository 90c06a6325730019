import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ExistingNetwork } from '../../examples/cdk/stacks';
import { EXAMPLE_STACKS } from '../../examples/cdk/stacks';
import { createExistingNetwork, deployAll, deployedIngress, ec2Client, expectedIngress, localPlans, startMoto, type Moto } from './moto';

// `npm run test:deploy`: the real CDK CLI deploys every example stack to moto_server; the EC2 API
// must then hold exactly the inbound rules resolve() promises, before and after a second deploy.
let moto: Moto;
let ec2: EC2Client;
let network: ExistingNetwork;
const before: Record<string, string[]> = {};

beforeAll(async () => {
  moto = await startMoto();
  ec2 = ec2Client(moto);
  network = await createExistingNetwork(ec2);
  deployAll(moto, network);
}, 360000);

afterAll(() => moto?.stop());

test.each(EXAMPLE_STACKS)('%s: ingress read back from EC2 equals the resolve() flows', async (stack) => {
  const plan = localPlans(network)[stack];
  const deployed = await deployedIngress(ec2, stack, network);
  expect(deployed).toEqual(expectedIngress(plan));
  expect(deployed.length).toBeGreaterThan(5);
  before[stack] = deployed;
});

test('a second deploy changes nothing', async () => {
  deployAll(moto, network);
  for (const stack of EXAMPLE_STACKS) expect(await deployedIngress(ec2, stack, network)).toEqual(before[stack]);
}, 360000);
