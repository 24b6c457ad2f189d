/**
 * Orders strings by Unicode code point, which is the byte order of their UTF-8 encoding and so
 * the order of Postgres `COLLATE "C"` and ClickHouse string comparison. JavaScript's `<` compares
 * UTF-16 code units instead, which puts astral characters (surrogate pairs, D800–DFFF) before
 * U+E000–U+FFFF; using it would make the reference evaluator disagree with both databases.
 * Returns a negative number, zero or a positive number.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const unitA = a.charCodeAt(index);
    const unitB = b.charCodeAt(index);
    if (unitA !== unitB) return codePointRank(unitA) - codePointRank(unitB);
  }
  return a.length - b.length;
}

/**
 * At the first differing code unit the preceding units are equal, so both strings are at the same
 * offset of their code points. Lifting surrogates above U+E000–U+FFFF (and shifting that block
 * down) makes unit order agree with code-point order without decoding whole strings.
 */
function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}
