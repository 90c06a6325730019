// A product's port table in words, for people reviewing a catalog (`portplan catalog show`): one
// line per flow of each row, ports as the rule finds them (fixed, pinned with a fallback, counted,
// the peer's own). Pure: from a loaded catalog to plain text fields, in catalog order.
import type { EndpointSpec, PortSpec } from './catalog';
import type { CatalogOptionDefinition } from './catalog-format';
import { conditionText, type ProductCatalog } from './catalog-set';
import { icmpMessageText, portRangeListText } from './port-ranges';

/** One flow of one row of a product's table, every field in words. */
export interface CatalogTableLine {
  /** The row id. */
  readonly row: string;
  /** What the row is for. */
  readonly purpose: string;
  /** Who opens the connection: role ids (`sum:workstation`), or `peer <kind>`. */
  readonly initiator: string;
  /** Who accepts it: role ids, or `peer <kind>`. */
  readonly listener: string;
  /** `tcp`, `udp`, `icmp` or `icmpv6`. */
  readonly protocol: string;
  /**
   * The listening ports in words: `22`, `1000 or 1001-1009 (serverProtect.consoleEventPort)`; for
   * ICMP the messages: `all`, `8`, `3/4`.
   */
  readonly ports: string;
  /** When the row applies, in the catalog's words. */
  readonly condition: string;
  /** The document the row cites, by title, with the row's note. */
  readonly source: string;
}

/** One option of a product, in words. */
export interface CatalogOptionLine {
  /** The option as a declaration writes it: `<optionsField>.<name>`. */
  readonly option: string;
  /** The values it takes. */
  readonly values: string;
  /** The value when the declaration sets none. */
  readonly default: string;
  /** What it means, and when it may be set. */
  readonly description: string;
}

/** Ports as ranges: consecutive ports joined (`137-139`), the rest listed (`22, 80, 443`). */
export function portListText(ports: readonly number[]): string {
  return portRangeListText(ports.map((p) => ({ fromPort: p, toPort: p })));
}

const rangeText = ([first, last]: readonly [number, number]): string =>
  first === last ? `${first}` : `${first}-${last}`;

/**
 * A flow's ports in words: a fixed list (`139, 445`); a pinned port with its fallback range
 * (`1000 or 1001-1009 (serverProtect.consoleEventPort)`); a counted run
 * (`60000 + sum.concurrentTargets ports`); a peer's own (`peer's ports, default 80, 443`).
 */
export function portSpecText(spec: PortSpec): string {
  switch (spec.kind) {
    case 'fixed':
      return portRangeListText(spec.ports);
    case 'fallback':
      return `${spec.base} or ${rangeText(spec.fallback)} (${spec.optionsField}.${spec.pin})`;
    case 'counted':
      return `${spec.base} + ${spec.optionsField}.${spec.count} ports`;
    case 'peer':
      return `peer's ports, default ${portListText(spec.defaults)}`;
  }
}

/** One side of a catalog flow in words: its role ids, or `peer <kind>`. */
export function endpointSpecText(e: EndpointSpec): string {
  return 'peer' in e ? `peer ${e.peer}` : e.roles.join(', ');
}

/** Every flow of every row of a product, one line each, in catalog order. */
export function catalogTable(catalog: ProductCatalog): CatalogTableLine[] {
  return catalog.rows.flatMap((row) =>
    row.flows.map((f) => ({
      row: row.id,
      purpose: row.purpose,
      initiator: endpointSpecText(f.initiator),
      listener: endpointSpecText(f.listener),
      protocol: f.protocol,
      // ICMP: the messages as tables print them (`all`, `8`, `3/4`), not the types' range.
      ports: f.icmp ? icmpMessageText(f.icmp) : portSpecText(f.ports),
      condition: row.condition,
      source: row.citations
        .map((c) => `${c.document}${c.section ? `, ${c.section}` : ''}${c.note ? ` (${c.note})` : ''}`)
        .join('; '),
    })),
  );
}

function optionValues(o: CatalogOptionDefinition): { values: string; default: string } {
  switch (o.type) {
    case 'flag':
      return { values: 'true, false', default: String(o.default) };
    case 'choice':
      return { values: o.values.join(', '), default: o.default ?? '(unset)' };
    case 'count':
      return { values: `${o.min}-${o.max}`, default: String(o.default) };
    case 'pinnedPort': {
      const range = rangeText(o.fallback);
      return { values: `${o.base} or ${range}`, default: `(unset: ${o.base} and ${range})` };
    }
  }
}

/** Every option of a product, one line each, in catalog order. */
export function catalogOptions(catalog: ProductCatalog): CatalogOptionLine[] {
  const field = catalog.product.optionsField;
  return catalog.options.map((o) => ({
    option: `${field}.${o.name}`,
    ...optionValues(o),
    description: o.when
      ? `${o.description} Only when ${conditionText(o.when, field)}${o.reason ? ` (${o.reason})` : ''}.`
      : o.description,
  }));
}
