/**
 * UTF-8 encoding into a buffer the caller keeps, so hashing a user id allocates nothing. It
 * encodes exactly as the WHATWG `TextEncoder` does, a lone surrogate becoming U+FFFD
 * (EF BF BD), so the bytes hashed are those any other implementation gets from the same text.
 * Pure.
 */

/**
 * The most bytes a text of `length` UTF-16 code units can take in UTF-8.
 * @param length - the text's `length`
 * @returns 3 bytes per code unit (a surrogate pair, 2 units, takes 4)
 * @example maxUtf8Bytes(4) // 12
 */
export function maxUtf8Bytes(length: number): number {
  return length * 3;
}

/**
 * Writes the UTF-8 bytes of a text into a buffer.
 * @param text - the text
 * @param target - the buffer, at least `offset + maxUtf8Bytes(text.length)` long
 * @param offset - where the first byte goes
 * @returns the number of bytes written
 * @see https://encoding.spec.whatwg.org/#utf-8-encoder
 * @example writeUtf8('é', new Uint8Array(3), 0) // 2 (C3 A9)
 */
export function writeUtf8(text: string, target: Uint8Array, offset: number): number {
  let at = offset;
  const length = text.length;
  for (let i = 0; i < length; i += 1) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      target[at++] = code;
      continue;
    }
    if (code < 0x800) {
      target[at++] = 0xc0 | (code >> 6);
      target[at++] = 0x80 | (code & 0x3f);
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = i + 1 < length ? text.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i += 1;
        target[at++] = 0xf0 | (code >> 18);
        target[at++] = 0x80 | ((code >> 12) & 0x3f);
        target[at++] = 0x80 | ((code >> 6) & 0x3f);
        target[at++] = 0x80 | (code & 0x3f);
        continue;
      }
      code = 0xfffd;
    }
    target[at++] = 0xe0 | (code >> 12);
    target[at++] = 0x80 | ((code >> 6) & 0x3f);
    target[at++] = 0x80 | (code & 0x3f);
  }
  return at - offset;
}
