/**
 * Control characters made visible. Strings in a report come from elsewhere
 * (another host, a driver, a hand-edited file): a host name, engine, note or
 * parameter value holding ESC, OSC, BEL, CR or BS would drive the terminal
 * that prints it (move the cursor, rewrite lines, set the window title, hide
 * text), and a bidirectional override would reorder what is shown. Every
 * view and message that shows such a string passes it through here.
 */

/**
 * C0 controls, DEL, C1 controls, the Unicode line and paragraph separators,
 * and the bidirectional marks, embeddings, overrides and isolates.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** The same, less newline and tab: for a page whose own layout holds them. */
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const visible = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Every control character as its JSON-style escape, e.g. ESC as "\u001b" and a newline as "\u000a": one inert line. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, visible);
}

/**
 * Every control character but newline and tab as its escape. The escape is
 * also JSON's, so inside a JSON string literal the data stays the same.
 */
export function escapeControlKeepLayout(text: string): string {
  return text.replace(CONTROL_BUT_LAYOUT, visible);
}
