// Arithmetic over an alert's parameters, for the inputs of generated tests:
// "1 - (threshold + 10) / 100". Numbers, names, + - * /, unary minus and parentheses.

export type Scope = Record<string, number>;

export class FormulaError extends Error {}

export function evaluateFormula(formula: number | string, scope: Scope): number {
  if (typeof formula === "number") return formula;
  const tokens = formula.match(/\d+(?:\.\d+)?(?:e[+-]?\d+)?|[A-Za-z_][A-Za-z0-9_]*|[-+*/()]|\S/g) ?? [];
  let position = 0;
  const peek = () => tokens[position];
  const next = () => tokens[position++];

  function primary(): number {
    const token = next();
    if (token === undefined) throw new FormulaError(`formula "${formula}" ends too early`);
    if (token === "(") {
      const value = sum();
      if (next() !== ")") throw new FormulaError(`formula "${formula}" lacks a closing parenthesis`);
      return value;
    }
    if (token === "-") return -primary();
    if (/^\d/.test(token)) return Number(token);
    if (/^[A-Za-z_]/.test(token)) {
      const value = scope[token];
      if (value === undefined) throw new FormulaError(`formula "${formula}" names "${token}", which is not a parameter (known: ${Object.keys(scope).sort().join(", ")})`);
      return value;
    }
    throw new FormulaError(`formula "${formula}" has an unexpected "${token}"`);
  }
  function product(): number {
    let value = primary();
    while (peek() === "*" || peek() === "/") value = next() === "*" ? value * primary() : value / primary();
    return value;
  }
  function sum(): number {
    let value = product();
    while (peek() === "+" || peek() === "-") value = next() === "+" ? value + product() : value - product();
    return value;
  }
  const value = sum();
  if (position < tokens.length) throw new FormulaError(`formula "${formula}" has an unexpected "${peek()}"`);
  return value;
}

/** Replaces each ${formula} inside a string with its value. */
export function interpolateFormulas(text: string, scope: Scope, format: (value: number) => string): string {
  return text.replace(/\$\{([^}]*)\}/g, (_, inner: string) => format(evaluateFormula(inner, scope)));
}
