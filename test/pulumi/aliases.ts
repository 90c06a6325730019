import * as pulumi from '@pulumi/pulumi';

/** One alias a resource registration sent to the engine: the old type (and name, when given). */
export interface SentAlias {
  readonly type: string;
  readonly name: string;
}

interface AliasSpecMessage {
  getType(): string;
  getName(): string;
}
interface AliasMessage {
  hasSpec(): boolean;
  getSpec(): AliasSpecMessage;
  getUrn(): string;
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getAliasesList(): AliasMessage[];
}
type Register = (req: RegisterRequest, callback: unknown) => unknown;

/**
 * Records, by `<type>::<name>`, the aliases each resource registration sends to the (mock) resource
 * monitor: what the engine would see, after the SDK has applied every option. Call after setMocks.
 */
export function recordAliases(): Map<string, SentAlias[]> {
  const sent = new Map<string, SentAlias[]>();
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: Register };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    sent.set(
      `${req.getType()}::${req.getName()}`,
      req.getAliasesList().map((a) => {
        if (!a.hasSpec()) return { type: `urn ${a.getUrn()}`, name: '' };
        return { type: a.getSpec().getType(), name: a.getSpec().getName() };
      }),
    );
    return original(req, callback);
  };
  return sent;
}
