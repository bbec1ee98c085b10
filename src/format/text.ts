/**
 * Text from a user's program made safe to show: cut to a byte budget, control bytes escaped. A leaf
 * like the rest of src/format/ (TextEncoder is a global in Node, browsers and workers).
 */

const encoder = new TextEncoder();

/** UTF-8 bytes of a string, without allocating when it is plainly small. */
export function utf8Length(text: string): number {
  if (text.length * 3 <= 64) return encoder.encode(text).length;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4; // a surrogate pair; a lone surrogate is encoded as U+FFFD, 3 bytes
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * At most `maxBytes` UTF-8 bytes of `text`, cut at a character boundary, with what was cut said at
 * the end (`… (1048576 more bytes)`); the note is included in the budget.
 */
export function clipText(text: string, maxBytes: number): string {
  // Fast path: even at 3 bytes per UTF-16 unit it fits.
  if (text.length * 3 <= maxBytes) return text;
  const total = utf8Length(text);
  if (total <= maxBytes) return text;
  const note = (cut: number): string => `… (${cut} more bytes)`;
  const room = Math.max(0, maxBytes - utf8Length(note(total)));
  // encodeInto stops before a character that does not fit whole: `read` is a safe cut in UTF-16 units.
  const { read = 0, written = 0 } = encoder.encodeInto(text.length > room ? text.slice(0, room) : text, new Uint8Array(room));
  return text.slice(0, read) + note(total - written);
}

/**
 * Control characters shown, not obeyed: C0 (but tab and newline), DEL and C1 as `\x1b`-style
 * escapes, so a program's ANSI sequences, carriage returns or binary bytes cannot move the cursor,
 * recolour or clear the terminal they are printed to.
 */
export function escapeControl(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A training step for people, in TF's numbering (from 0) with the range it is in: `step 2 of 0–2`.
 * The panel, hovers and inline values all say it this way. */
export function stepText(step: number, last: number): string {
  return `step ${step} of 0–${last}`;
}
