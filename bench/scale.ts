import type { Declaration } from '../lib/model';

/** The scaling declaration: `n` role groups, one HP SUM workstation and n - 1 Linux target groups. */
export function scaleDeclaration(n: number): Declaration {
  return {
    groups: [
      { name: 'workstation', role: 'sum:workstation' },
      ...Array.from({ length: n - 1 }, (_, i) => ({ name: `targets-${i}`, role: 'sum:target:linux' as const })),
    ],
  };
}
