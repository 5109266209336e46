// docs/migrating-from-kube-prometheus-stack.md, written by `promstack generate` from the key
// table the import gives its reasons from and the unit tests hold it to.
import { KPS_KEYS, reportedReason, type KpsKey } from "./kube-prometheus-stack-keys.js";

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** Prose for a cell: GitHub would read <release> as an HTML tag and hide it. */
function prose(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function code(text: string): string {
  return `\`${text}\``;
}

function equivalent(row: KpsKey): string {
  if (row.status === "mapped") return `${code(row.promstack!)} (imported)`;
  if (row.status === "manual") return `${code(row.promstack!)} (by hand)`;
  return "none";
}

function why(row: KpsKey): string {
  if (row.status === "mapped") return "";
  const { key, reason } = reportedReason(row);
  // The import repeats the key in front of some reasons; the table already shows it.
  const text = reason.startsWith(`${key}: `) ? reason.slice(key.length + 2) : reason;
  return key === row.key ? prose(text) : `${prose(text)} (reported as ${code(key)})`;
}

export function migrationGuide(): string {
  const counts = { mapped: 0, manual: 0, none: 0 };
  for (const row of KPS_KEYS) counts[row.status]++;
  const lines = [
    "# Migrating from kube-prometheus-stack",
    "",
    "`promstack import values.yaml --output profile.yaml` reads a kube-prometheus-stack values file (with its `alertmanager.config`, `additionalPrometheusRulesMap` and `additionalScrapeConfigs`) and writes a profile. Every key it does not carry is listed as `file:line: key: reason`, and the exit code is 1 until you pass `--allow-partial`: nothing is dropped silently.",
    "",
    `The table below lists the keys users set most: ${KPS_KEYS.length} keys, ${counts.mapped} imported, ${counts.manual} with a promstack equivalent you set by hand, ${counts.none} without one. It is generated from \`generator/src/import/kube-prometheus-stack-keys.ts\`, the table the import takes its reasons from, and the unit tests import every row's example and check the outcome stated here, so the table follows the import.`,
    "",
    "| kube-prometheus-stack key | example | promstack | why not imported |",
    "|---|---|---|---|",
    ...KPS_KEYS.map((row) => `| ${code(row.key)} | ${cell(code(JSON.stringify(row.example)))} | ${cell(equivalent(row))} | ${cell(why(row))} |`),
    "",
    "Keys of a section not listed here are reported with the section's reason, or as having no promstack equivalent.",
    "",
  ];
  return lines.join("\n");
}
