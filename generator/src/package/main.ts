// Entry point of `make package`.
//   node dist/generator/src/package/main.js --output DIR [--chart DIR]
//     [--key NAME --keyring FILE [--passphrase-file FILE]]   sign with your key (as helm package --sign)
//     [--throwaway-key DIR]                                   or with a fresh key made in DIR
// Environment: HELM (the helm binary), SOURCE_DATE_EPOCH (optional, see sourceDateEpoch).
import { parseArgs } from "node:util";
import { relative } from "node:path";
import { paths } from "../paths.js";
import { packageChart, sourceDateEpoch } from "./package.js";
import { createThrowawayKey, type SigningKey } from "./signing.js";

function main(): number {
  const { values } = parseArgs({
    options: {
      output: { type: "string" },
      chart: { type: "string", default: paths.chart },
      key: { type: "string" },
      keyring: { type: "string" },
      "passphrase-file": { type: "string" },
      "throwaway-key": { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  const helm = process.env.HELM;
  if (!helm) throw new Error("HELM must name the helm binary (make package sets it)");
  if (!values.output) throw new Error("--output DIR is required");
  if ((values.key === undefined) !== (values.keyring === undefined)) throw new Error("--key and --keyring go together");
  if (values.key && values["throwaway-key"]) throw new Error("--key and --throwaway-key exclude each other");

  let key: SigningKey | undefined;
  let verifyKeyring: string | undefined;
  if (values.key && values.keyring) {
    key = { name: values.key, keyring: values.keyring, ...(values["passphrase-file"] ? { passphraseFile: values["passphrase-file"] } : {}) };
  } else if (values["throwaway-key"]) {
    const throwaway = createThrowawayKey(values["throwaway-key"]);
    key = throwaway;
    verifyKeyring = throwaway.publicKeyring;
    console.log(`package: signing with a throwaway key (public keyring ${relative(process.cwd(), throwaway.publicKeyring)}); pass --key/--keyring to sign with yours`);
  }

  const mtime = sourceDateEpoch(values.chart);
  const result = packageChart({ helm, chartDir: values.chart, outputDir: values.output, mtime, ...(key ? { key } : {}), ...(verifyKeyring ? { verifyKeyring } : {}) });
  console.log(`package: ${relative(process.cwd(), result.archive)} sha256:${result.sha256} (entries dated ${new Date(mtime * 1000).toISOString()})`);
  if (result.provenance) console.log(`package: ${relative(process.cwd(), result.provenance)} signed; helm verify: ${result.verification?.split("\n").join("; ")}`);
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`package: ${(error as Error).message}`);
  process.exitCode = 1;
}
