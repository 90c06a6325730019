/**
 * portplan's spec: the two vendor port tables as one cited catalog, the declaration users write,
 * and {@link resolve}, which turns a declaration into the minimal list of flows. No cloud SDK here.
 * @packageDocumentation
 */
export * from './roles';
export * from './catalog';
export * from './options';
export * from './validate';
export * from './resolve';
export * from './products';
export * from './presets';
export * from './cidr';
export * from './errors';
export * from './placement';
export * from './explain';
export * from './suggest';
