import type { EndpointSpec } from '../model/catalog';
import { PortplanError } from '../model/errors';
import type { Resolution } from '../model/resolve';
import { pairOptions } from '../model/group-options';

/**
 * A declaration that resolves to no flow at all (path `(declaration)`, value its roles): the
 * commands that print the flows (`table`, `flows`, `diagram`, `report`) refuse it, as an empty
 * table is almost always a declaration missing the other side of its roles' connections.
 */
export class NoFlowsError extends PortplanError {
  /** Always `NO_FLOWS`. */
  readonly code = 'NO_FLOWS';
  /**
   * @param roles the roles and peer kinds the declaration has
   * @param message why it yields no flows, and what it would need
   */
  constructor(roles: readonly string[], message: string) {
    super('(declaration)', roles, message);
  }
}

// What would give flows to one declared side (a role, or a peer kind): the sides missing on the
// other end of the rows that name it.
interface Wanted {
  readonly roles: Set<string>;
  readonly kinds: Set<string>;
}

const sideNames = (s: EndpointSpec): string[] => ('peer' in s ? [`peer:${s.peer}`] : [...s.roles]);

// For each side the declaration has, the sides of the catalog's rows it lacks; and the rows that
// join two sides it has but do not apply under its options.
function survey(r: Resolution): { wanted: Map<string, Wanted>; off: string[] } {
  const have = new Set([
    ...r.declaration.groups.map((g) => g.role),
    ...r.declaration.peers.map((p) => `peer:${p.kind}`),
  ]);
  const wanted = new Map<string, Wanted>();
  const off: string[] = [];
  const pairs = pairOptions(r.catalog, r.declaration);
  for (const row of r.catalog.rows) {
    for (const t of row.flows) {
      const [a, b] = [sideNames(t.initiator), sideNames(t.listener)];
      const hasA = a.some((x) => have.has(x));
      const hasB = b.some((x) => have.has(x));
      if (hasA && hasB) {
        // A row may apply between some groups only, where groups set options of its product.
        if (!row.applies(r.declaration) && !pairs.touches(row.product) && !off.includes(row.id)) off.push(row.id);
        continue;
      }
      if (!hasA && !hasB) continue;
      const [mine, other] = hasA ? [a, b] : [b, a];
      for (const m of mine.filter((x) => have.has(x))) {
        const w = wanted.get(m) ?? { roles: new Set<string>(), kinds: new Set<string>() };
        for (const o of other) (o.startsWith('peer:') ? w.kinds : w.roles).add(o.replace(/^peer:/, ''));
        wanted.set(m, w);
      }
    }
  }
  return { wanted, off };
}

// `a group of role A, B, or a peer of kind P`, in catalog order.
function wantedText(w: Wanted, r: Resolution): string {
  const inOrder = (set: Set<string>, order: readonly string[]) => order.filter((x) => set.has(x));
  const roles = inOrder(w.roles, r.catalog.roleIds);
  const kinds = inOrder(w.kinds, r.catalog.peerKindIds);
  const parts = [
    ...(roles.length ? [`a group of role ${roles.join(', ')}`] : []),
    ...(kinds.length ? [`a peer of kind ${kinds.join(', ')}`] : []),
  ];
  return parts.join(', or ');
}

/**
 * Why a resolution has no flow: for each role (and peer kind) of the declaration, the roles and
 * peer kinds its catalog rows connect it with that the declaration lacks; and the rows between
 * sides it has that its options turn off, with their conditions.
 */
export function noFlowsReason(r: Resolution): string {
  const { wanted, off } = survey(r);
  const add = [...wanted].map(([side, w]) => `${wantedText(w, r)} (with ${side.replace(/^peer:/, 'peer kind ')})`);
  const addText = add.length ? `for flows, add ${add.join('; or ')}` : '';
  if (!off.length)
    return `the declaration yields no flows: no catalog row has both of its sides among its groups and peers${addText ? `; ${addText}` : ''}`;
  // The sides are there, the options are not: say which settings turn the rows on.
  const rows = off.map((id) => {
    const row = r.catalog.row(id)!;
    const settings = Object.keys(row.when).map((k) => `${row.optionsField}.${k}`);
    return `${id} (${row.condition}${settings.length ? `; set by ${settings.join(', ')}` : ''})`;
  });
  const rest = addText ? `; or, ${addText}` : '';
  return `the declaration yields no flows: the rows between its groups and peers apply only under other options: ${rows.join(', ')}${rest}`;
}

/**
 * The resolution, when it has a flow.
 * @throws NoFlowsError when it has none, saying why and what it would need
 */
export function withFlows(r: Resolution): Resolution {
  if (r.flows.length) return r;
  const sides = [...new Set([...r.declaration.groups.map((g) => g.role), ...r.declaration.peers.map((p) => p.kind)])];
  throw new NoFlowsError(sides, noFlowsReason(r));
}
