/** A count and its noun, the noun plural unless the count is one: `count(1, 'turn')` is "1 turn", `count(3, 'turn')` "3 turns". */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
