// Writes schemas/alertmanager-flags.schema.json: the command-line flags the pinned alertmanager
// binary parses (cmd/alertmanager, the exporter toolkit's web flags, prometheus/common's logging
// flags) and the value each takes, so validate can check alertmanager.extraArgs as Alertmanager
// will (kingpin refuses an unknown flag and a value its parser refuses, and the pod never starts).
// `make alertmanager-flags-schema`; test/semantics/flag-values.test.ts checks it is current.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GENERATED_NOTICE } from "../chart/header.js";
import { paths } from "../paths.js";
import { goFiles, stripComments } from "./gen-scrape-config.js";
import { flagValuesSchema, kingpinFlagValues, promslogFlagValues } from "./kingpin-flags.js";

export const ALERTMANAGER_FLAGS_SCHEMA_FILE = "alertmanager-flags.schema.json";

const sourcesOf = (dir: string): string => goFiles(dir).map((file) => stripComments(readFileSync(file, "utf8"))).join("\n");

export function buildAlertmanagerFlagsSchema(alertmanagerDir: string, toolkitDir: string, commonDir: string): Record<string, unknown> {
  const main = sourcesOf(join(alertmanagerDir, "cmd", "alertmanager"));
  if (!/webflag\.AddFlags\(/.test(main) || !/promslogflag\.AddFlags\(/.test(main)) throw new Error("cmd/alertmanager no longer adds the toolkit's web flags and the logging flags: check its flags");
  const missing = () => undefined; // Alertmanager's flags name their parsers directly
  const values = kingpinFlagValues({ main: `${main}\n${sourcesOf(join(toolkitDir, "web", "kingpinflag"))}`, fieldType: missing, constant: missing });
  for (const [flag, value] of promslogFlagValues(sourcesOf(join(commonDir, "promslog")))) values.set(flag, value);
  const names = [...values.keys(), "help", "help-long", "help-man", "version"].sort(); // kingpin's own
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: ALERTMANAGER_FLAGS_SCHEMA_FILE,
    $comment: `${GENERATED_NOTICE} by generator/src/schema/gen-alertmanager-flags.ts from ${alertmanagerDir.split("/").pop()}, ${toolkitDir.split("/").pop()} and ${commonDir.split("/").pop()}`,
    title: "AlertmanagerFlags",
    definitions: {
      amRawServerFlag: { title: "AlertmanagerServerFlag", description: "A command-line flag of the alertmanager binary (without dashes).", type: "string", enum: names },
      amRawServerFlagValues: flagValuesSchema("AlertmanagerServerFlagValues", "The value each flag of the alertmanager binary takes, titled by the Go parser it goes through (generator/src/schema/kingpin-flags.ts).", values),
    },
  };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) {
  const [alertmanagerDir, toolkitDir, commonDir] = process.argv.slice(2);
  if (!alertmanagerDir || !toolkitDir || !commonDir) throw new Error("usage: gen-alertmanager-flags.js <alertmanager module dir> <exporter-toolkit module dir> <common module dir>");
  const file = join(paths.schemas, ALERTMANAGER_FLAGS_SCHEMA_FILE);
  writeFileSync(file, `${JSON.stringify(buildAlertmanagerFlagsSchema(alertmanagerDir, toolkitDir, commonDir), null, 2)}\n`);
  console.log(`wrote ${file}`);
}
