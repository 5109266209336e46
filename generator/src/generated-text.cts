// Reading the build's generated files (the CLI bundle, the contract's validator and schema)
// fast. The build writes them as ASCII; decoding ASCII as Latin-1 skips UTF-8 decoding, and V8
// then holds a one-byte string, which it parses faster than a two-byte one.
// Only Node's built-ins here: this runs before the CLI bundle is loaded.
import { isAscii } from "node:buffer";
import { readFileSync } from "node:fs";

/** A generated file's text: decoded as Latin-1 when it is all ASCII (the same text), else as UTF-8. */
export function readGeneratedText(file: string): string {
  const bytes = readFileSync(file);
  return bytes.toString(isAscii(bytes) ? "latin1" : "utf8");
}

/** JavaScript or JSON with every non-ASCII character written as a \u escape (the same program or value). */
export function asciiEscaped(text: string): string {
  return text.replace(/[^\x00-\x7f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
