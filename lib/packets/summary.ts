import { hasIcmp, hasPorts } from './packet';
import { PacketSet, project } from './set';
import { protocolPieces } from './space';
import { describeSet } from './text';
import { type Interval, boxes, combine, context, normalize } from './tree';

/** The part of a set between one source class and one destination class, for one protocol. */
export interface PacketSummary {
  /** The protocol number (TCP, UDP, ICMP, ICMPv6), or `other` for every other protocol together. */
  readonly protocol: number | 'other';
  /** The source host class; absent for external hosts. */
  readonly sourceClass?: string;
  /** The destination host class; absent for external hosts. */
  readonly destinationClass?: string;
  /** The packets of the set with this protocol and these classes. */
  readonly set: PacketSet;
  /** The part as text (see describeSet). */
  readonly lines: readonly string[];
}

type Key = { source: number; destination: number; protocol: number | 'other' };
const keyText = (k: Key): string => `${k.source} ${k.destination} ${k.protocol}`;

/**
 * The set split by source class, destination class and protocol (each protocol with a service
 * alone, the others together), for reports: one summary for each combination that holds packets,
 * by source class, then destination class (external first, then the space's order), then protocol
 * number (`other` last). The parts are disjoint and together the set. A set that spans many classes
 * on both sides has as many summaries as class pairs: meant for differences, not whole sites.
 */
export function summarize(set: PacketSet): PacketSummary[] {
  const space = set.space;
  const shadow = project(set, ['protocol', 'sourceClass', 'destinationClass']);
  const [pl, sl, dl] = [space.levelOf.protocol, space.levelOf.sourceClass, space.levelOf.destinationClass];
  const parts = new Map<string, { key: Key; protocols: Interval[] }>();
  for (const box of boxes(shadow.tree, space.levelEnds)) {
    const pieces = protocolPieces(Number(box[pl][0]), Number(box[pl][1]));
    for (let s = Number(box[sl][0]); s < Number(box[sl][1]); s++) {
      for (let d = Number(box[dl][0]); d < Number(box[dl][1]); d++) {
        for (const [a, b] of pieces) {
          const key: Key = {
            source: s,
            destination: d,
            protocol: b - a === 1 && (hasPorts(a) || hasIcmp(a)) ? a : 'other',
          };
          const part = parts.get(keyText(key)) ?? { key, protocols: [] };
          part.protocols.push([a, b]);
          parts.set(keyText(key), part);
        }
      }
    }
  }
  const rank = (p: number | 'other') => (p === 'other' ? 256 : p);
  const sorted = [...parts.values()].sort(
    (x, y) =>
      x.key.source - y.key.source ||
      x.key.destination - y.key.destination ||
      rank(x.key.protocol) - rank(y.key.protocol),
  );
  return sorted.map(({ key, protocols }) => {
    const cut = space.box({
      protocol: normalize(protocols),
      service: [[0, 65536]],
      sourceClass: [[key.source, key.source + 1]],
      destinationClass: [[key.destination, key.destination + 1]],
    });
    const part = new PacketSet(space, combine('intersection', set.tree, cut, 0, context(space.levelEnds)));
    return {
      protocol: key.protocol,
      ...(key.source ? { sourceClass: space.classes[key.source - 1] } : {}),
      ...(key.destination ? { destinationClass: space.classes[key.destination - 1] } : {}),
      set: part,
      lines: describeSet(part),
    };
  });
}
