/**
 * The code points the CLI never writes raw, because a token, a key file or a key set can hold them
 * and a terminal or a reader acts on them instead of showing them:
 * - C0 controls other than the line feed the CLI writes itself, and DEL (U+0000–U+0009,
 *   U+000B–U+001F, U+007F): `JSON.stringify` escapes the C0 ones in strings, not in other text;
 * - C1 controls (U+0080–U+009F): U+009B is a one-byte CSI, an ECMA-48 control sequence introducer;
 * - the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the
 *   direction marks (U+200E, U+200F, U+061C) of Unicode Standard Annex #9, which reorder what is shown;
 * - the line and paragraph separators (U+2028, U+2029) and the zero width no-break space (U+FEFF);
 * - invisible formatting characters that make two different values look the same: the soft
 *   hyphen (U+00AD), zero-width space, non-joiner and joiner (U+200B–U+200D), the word joiner and
 *   invisible operators (U+2060–U+2064), interlinear annotation marks (U+FFF9–U+FFFB) and the tag
 *   characters (U+E0000–U+E007F), escaped as their UTF-16 code units.
 */
const UNSAFE =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb\u{e0000}-\u{e007f}]/gu;

/**
 * The text with every unsafe code point written as a JSON escape (`\u009b`): what the CLI writes
 * to standard output and standard error goes through it (`runCli` wraps its `CliIo`), so no command
 * can print a claim, a header value, a `kid` or a key member raw.
 *
 * On JSON output it is lossless: the CLI's JSON holds these code points only inside strings (its
 * own whitespace is spaces and line feeds), where `\uXXXX` is the same character (RFC 8259
 * section 7), so the document parses back to the same values.
 *
 * @example
 * escapeUnsafeText(JSON.stringify({ 'a\u202e': 'b\u009b' })); // '{"a\\u202e":"b\\u009b"}'
 */
export function escapeUnsafeText(text: string): string {
  return text.replace(UNSAFE, (character) => {
    let escaped = '';
    for (let i = 0; i < character.length; i++) escaped += `\\u${character.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return escaped;
  });
}
