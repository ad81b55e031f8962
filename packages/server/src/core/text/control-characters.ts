/**
 * Characters that steer a terminal or reorder text instead of being shown: C0 controls
 * (newline, ESC, BEL...), DEL, C1 controls (0x9b is CSI on some terminals), the line and
 * paragraph separators, and the bidi embeddings, overrides and isolates.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's purpose
const controls = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const breaks = /[\t\n\r\u2028\u2029]+/g;
/** The ones JSON.stringify leaves raw: it escapes C0 itself. */
const keptByJson = /[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text a client sends to name itself (a device name, a user agent), as Baton keeps it:
 * line breaks and tabs become one space, every other control character is dropped.
 */
export function stripControlCharacters(text: string): string {
  return text.replace(breaks, ' ').replace(controls, '');
}

/** Stored text as a terminal may show it: each control character written as an escape (`\n`, `\x1b`, `\u202e`). */
export function escapeControlCharacters(text: string): string {
  return text.replace(controls, (c) => {
    const named = ({ '\n': '\\n', '\r': '\\r', '\t': '\\t' } as Record<string, string>)[c];
    const code = c.charCodeAt(0);
    return (
      named ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`)
    );
  });
}

/** JSON text with the control characters JSON.stringify leaves raw written as `\uXXXX` (they can only occur inside strings, where that is the same value). */
export function escapeControlCharactersInJson(json: string): string {
  return json.replace(keptByJson, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
