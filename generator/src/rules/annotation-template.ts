// Renders the subset of Prometheus' annotation templates that generated tests predict:
// {{ $labels.name }}, {{ index $labels "name" }}, {{ $value }}, and $value piped through
// humanize, humanizePercentage, humanizeDuration or printf "%.Nf". Anything else is refused,
// so a test never guesses at text Prometheus would render differently.
import { goFormatF, goFormatG, humanize, humanizeDuration, humanizePercentage } from "./go-format.js";

export class TemplateError extends Error {}

const valueFunctions: Record<string, (value: number) => string> = { humanize, humanizePercentage, humanizeDuration };

function renderAction(action: string, labels: Record<string, string>, value: number | undefined): string {
  const label = action.match(/^\$labels\.([A-Za-z_][A-Za-z0-9_]*)$/) ?? action.match(/^index \$labels "([^"]+)"$/);
  if (label) return labels[label[1]!] ?? "";
  const piped = action.match(/^\$value(?:\s*\|\s*(\w+)(?:\s+"%\.(\d+)f")?)?$/) ?? action.match(/^(printf) "%\.(\d+)f" \$value$/);
  if (piped) {
    if (value === undefined) throw new TemplateError(`"{{ ${action} }}" shows $value, but the alert's test gives no value`);
    const [, fn, digits] = piped;
    if (!fn) return goFormatG(value);
    if (fn === "printf" && digits !== undefined) return goFormatF(value, Number(digits));
    const format = valueFunctions[fn];
    if (format) return format(value);
  }
  throw new TemplateError(`"{{ ${action} }}" is beyond what generated tests render ($labels.x, $value, humanize, humanizePercentage, humanizeDuration, printf "%.Nf")`);
}

export function renderAnnotation(template: string, labels: Record<string, string>, value: number | undefined): string {
  let out = "";
  let rest = template;
  for (;;) {
    const open = rest.indexOf("{{");
    if (open < 0) return out + rest;
    const close = rest.indexOf("}}", open);
    if (close < 0) throw new TemplateError(`unclosed "{{" in "${template}"`);
    let before = rest.slice(0, open);
    let inner = rest.slice(open + 2, close);
    let after = rest.slice(close + 2);
    if (inner.startsWith("-")) ((before = before.trimEnd()), (inner = inner.slice(1)));
    if (inner.endsWith("-")) ((after = after.trimStart()), (inner = inner.slice(0, -1)));
    out += before + renderAction(inner.trim(), labels, value);
    rest = after;
  }
}
