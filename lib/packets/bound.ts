/**
 * An interval bound: a number when it is at most 2^53 - 1, else a bigint. Every dimension but the
 * two address lines fits a number; on the address lines every IPv4 position is a number and IPv6
 * positions are bigints. Comparisons (`<`, `<=`) are exact across the two types in JavaScript, and
 * since each value has exactly one form, `===` is exact too. Small numbers keep the common (IPv4,
 * port, class) comparisons off the slower bigint path.
 */
export type Bound = number | bigint;

/** The one form of a value as a {@link Bound}. */
export function toBound(value: bigint): Bound {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** A bound as a bigint, for arithmetic. */
export function toBigInt(b: Bound): bigint {
  return typeof b === 'bigint' ? b : BigInt(b);
}
