/**
 * Text the PDF's standard fonts can show. Helvetica and Courier (the 14 standard fonts) carry
 * only the WinAnsi character set; pdfkit writes anything else as garbage. Accented letters
 * outside it lose their accent (`ő` -> `o`, `Ł` -> `L`), control characters become spaces and
 * everything else (CJK, emoji, most symbols) becomes `?`.
 */

/** Characters above U+00FF that WinAnsi maps into 0x80-0x9F (PDF 1.7, Annex D.2). */
const WIN_ANSI_EXTRAS = new Set(
  [
    0x20ac, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152,
    0x017d, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
    0x0153, 0x017e, 0x0178,
  ].map((code) => String.fromCodePoint(code)),
);

/** Latin letters with a stroke or bar, which Unicode does not decompose. */
const LATIN_FALLBACKS: Readonly<Record<string, string>> = {
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  Ħ: 'H',
  ħ: 'h',
  ı: 'i',
  Ŧ: 'T',
  ŧ: 't',
  Ŋ: 'N',
  ŋ: 'n',
  ſ: 's',
};

/** Stand-in for a character the fonts cannot draw. */
export const REPLACEMENT_CHARACTER = '?';

function renderable(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return (
    (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRAS.has(char)
  );
}

function substitute(char: string): string {
  if (char === '\n') return char;
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x20 || (code >= 0x7f && code < 0xa0) || /\s/u.test(char)) return ' ';
  const fallback = LATIN_FALLBACKS[char];
  if (fallback !== undefined) return fallback;
  const stripped = char.normalize('NFKD').replace(/\p{M}/gu, '');
  if (stripped.length > 0 && [...stripped].every(renderable)) return stripped;
  return REPLACEMENT_CHARACTER;
}

/**
 * Makes text drawable with the PDF standard fonts (WinAnsi). Line feeds are kept (they break
 * lines); every other control character becomes a space.
 * @param text - any string, e.g. a user's variant name
 * @returns the same text with unrenderable characters replaced
 * @example pdfSafeText('Größe 中 ő') // 'Größe ? o'
 */
export function pdfSafeText(text: string): string {
  let out = '';
  for (const char of text.replace(/\r\n?/g, '\n').normalize('NFC')) {
    out += renderable(char) ? char : substitute(char);
  }
  return out;
}

/**
 * Puts text on one line: every run of white space, line breaks included, becomes one space.
 * For user strings (variant, metric and attribute names) inside headings, cells and prose.
 * @param text - any string
 * @returns the text on one line
 * @example oneLine('a\r\nb') // 'a b'
 */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ');
}
