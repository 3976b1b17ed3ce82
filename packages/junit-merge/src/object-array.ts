/**
 * An empty array that holds objects from the start. V8 makes `[]` an array of small
 * integers and turns it into one of objects at its first push; code optimised while the
 * last such array was already turned is thrown away when the next one turns, and compiled
 * again. For the fields of what each leg (or report) makes anew, that was one more
 * compile of the fold's hottest functions per leg.
 */
export function objectArray<T>(): T[] {
  const array: T[] = [undefined as T];
  array.pop();
  return array;
}
