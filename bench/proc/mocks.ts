// Pulumi's mocks for the whole-process benchmarks: every resource gets the id `<name>-id`; each
// registration is kept so that the two programs can be compared.
import * as pulumi from '@pulumi/pulumi';

/** A resource as the program registered it. */
export interface Registration {
  /** The Pulumi type token. */
  readonly type: string;
  /** The resource name. */
  readonly name: string;
  /** The inputs, resolved. */
  readonly inputs: Record<string, unknown>;
}

/** Installs the mocks; the list fills as the program registers resources. */
export async function installMocks(): Promise<Registration[]> {
  const registered: Registration[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (a) => {
        registered.push({ type: a.type, name: a.name, inputs: a.inputs as Record<string, unknown> });
        return { id: `${a.name}-id`, state: a.inputs };
      },
      call: (a) => a.inputs,
    },
    'portplan-bench',
    'bench',
    false,
  );
  return registered;
}

/** Waits for an output's value. */
export const settle = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply(resolve));

/** Waits until Pulumi has registered every resource the program created, then gives them. */
export async function finished(registered: Registration[], outputs: pulumi.Output<unknown>[]): Promise<Registration[]> {
  await Promise.all(outputs.map(settle));
  // Registrations settle asynchronously: wait until no new one arrives.
  let seen = -1;
  while (seen !== registered.length) {
    seen = registered.length;
    await new Promise((r) => setImmediate(r));
  }
  return registered;
}
