/**
 * Freezes a plain data tree (no cycles) in place and returns it. Children are visited even when
 * a parent is already frozen, because `Object.freeze` is shallow (`Fact.of` freezes only its shell).
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
