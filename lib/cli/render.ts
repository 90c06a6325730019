import type { CatalogSet } from '../model/catalog-set';
import { peerAddressText } from '../model/peer-address';
import { flowPortsText, type Endpoint, type Resolution, type ResolvedFlow } from '../model/resolve';

/** A group by name, a peer by name and address range. */
export function endpointText(e: Endpoint, r: Resolution): string {
  if (e.kind === 'group') return e.name;
  const peer = r.declaration.peers.find((p) => p.name === e.name);
  return peer ? `${peer.name} (${peerAddressText(peer)})` : e.name;
}

/** The strings in first-seen order, each once. */
export const unique = (xs: readonly string[]): string[] => [...new Set(xs)];
const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** The purposes and the conditions of a flow's rows. */
export function rowTexts(f: ResolvedFlow, catalog: CatalogSet): { purpose: string; conditions: string } {
  const rows = f.rows.flatMap((id) => catalog.row(id) ?? []);
  return {
    purpose: unique(rows.map((r) => r.purpose)).join('; '),
    conditions: unique(rows.map((r) => r.condition)).join('; '),
  };
}

/** The flows of a resolution as a Markdown table, one line per flow, in resolve() order. */
export function markdownTable(r: Resolution): string {
  const lines = ['| from | to | protocol | ports | rows | purpose | conditions |', '|---|---|---|---|---|---|---|'];
  for (const f of r.flows) {
    const { purpose, conditions } = rowTexts(f, r.catalog);
    const cells = [
      endpointText(f.from, r),
      endpointText(f.to, r),
      f.protocol,
      flowPortsText(f),
      f.rows.join(', '),
      purpose,
      conditions,
    ];
    lines.push(`| ${cells.map(cell).join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** Version of the JSON that `portplan flows --json` prints; raised only when a field changes meaning or goes. */
export const FLOWS_JSON_VERSION = 1;

/** The machine-readable form of a resolution: stable field names, flows in resolve() order. */
export function flowsJson(r: Resolution): string {
  const flows = r.flows.map((f) => ({
    from: { kind: f.from.kind, name: f.from.name },
    to: { kind: f.to.kind, name: f.to.name },
    protocol: f.protocol,
    fromPort: f.fromPort,
    toPort: f.toPort,
    rows: f.rows,
    description: f.description,
  }));
  const warnings = r.warnings.map((w) => ({ code: w.code, rows: w.rows, message: w.message }));
  return `${JSON.stringify({ version: FLOWS_JSON_VERSION, flows, warnings }, null, 2)}\n`;
}

// Mermaid ids allow letters, digits and underscores safely; names have dashes, so map them.
const nodeId = (e: Pick<Endpoint, 'kind' | 'name'>): string =>
  `${e.kind === 'group' ? 'g' : 'p'}_${e.name.replace(/-/g, '_')}`;

/** A Mermaid flowchart: one node per group (with its role) and peer, one edge per initiator and listener with every port. */
export function mermaid(r: Resolution): string {
  const lines = ['flowchart LR'];
  for (const g of r.declaration.groups)
    lines.push(
      `  ${nodeId({ kind: 'group', name: g.name })}["${g.name}<br/>${r.catalog.role(g.role)?.label ?? g.role}"]`,
    );
  for (const p of r.declaration.peers)
    lines.push(`  ${nodeId({ kind: 'peer', name: p.name })}{{"${p.name}<br/>${p.kind} ${peerAddressText(p)}"}}`);
  const edges = new Map<string, { from: Endpoint; to: Endpoint; ports: string[] }>();
  for (const f of r.flows) {
    const key = `${nodeId(f.from)} ${nodeId(f.to)}`;
    const edge = edges.get(key) ?? { from: f.from, to: f.to, ports: [] };
    edge.ports.push(`${f.protocol} ${flowPortsText(f)}`);
    edges.set(key, edge);
  }
  for (const e of edges.values()) lines.push(`  ${nodeId(e.from)} -->|"${e.ports.join(', ')}"| ${nodeId(e.to)}`);
  return `${lines.join('\n')}\n`;
}
