// Alertmanager's legacy equality and regex maps (match, match_re, source_match, ...) written
// as the matcher strings the contract takes: name="value" or name=~"value".
export function matcherString(name: string, op: "=" | "=~", value: unknown): string {
  const label = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : quote(name);
  return `${label}${op}${quote(String(value ?? ""))}`;
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}
