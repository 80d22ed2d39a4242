/**
 * Text as the report shows it: cut, with a mark, when a word or the whole is longer than a
 * reader can use. User strings (variant, metric and attribute names, a model's terms) may be of
 * any length; laying out an unbroken word costs pdfkit the square of its length, so every text
 * is cut before it reaches the layout, and the report's work stays linear in its input. The CSV
 * keeps every value whole.
 */

/** The mark of a cut (U+2026, in the PDF fonts' WinAnsi set). */
export const cutMark = '…';

/** The longest word shown whole, in characters (a SHA-256 in hex is 64). */
export const longestWord = 100;

/** The most characters of one text shown (the report's own paragraphs stay well below). */
export const longestText = 2000;

/**
 * Cuts text for display: a word (a run without white space) past {@link longestWord}
 * characters is cut and marked, and the text stops, marked, at {@link longestText}.
 * Characters are code points, never split. Linear in the part of the text it reads.
 * @param text - any text
 * @param maxWord - the longest word kept whole
 * @param maxText - the most characters kept
 * @returns the text, cut where needed
 * @example displayText(`device[${'x'.repeat(500)}]`) // 'device[xxx…' (100 characters and the mark)
 */
export function displayText(
  text: string,
  maxWord: number = longestWord,
  maxText: number = longestText,
): string {
  if (text.length <= maxWord) return text;
  let out = '';
  let count = 0;
  let word = 0;
  let index = 0;
  while (index < text.length) {
    const code = text.codePointAt(index) ?? 0;
    const char = String.fromCodePoint(code);
    index += char.length;
    if (/\s/.test(char)) {
      word = 0;
    } else if (word === maxWord) {
      // The word is too long: mark it once and skip to the next white space.
      out += cutMark;
      count += 1;
      const next = text.slice(index).search(/\s/);
      index = next < 0 ? text.length : index + next;
      word = 0;
      if (count >= maxText) return out;
      continue;
    } else {
      word += 1;
    }
    if (count === maxText) return `${out}${cutMark}`;
    out += char;
    count += 1;
  }
  return out;
}
