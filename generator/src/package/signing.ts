// OpenPGP signing with GnuPG, taking the key the way `helm package --sign` does: a key name
// (a substring of its user id) and a keyring file in the legacy format helm reads, so one
// key serves both helm and this packager. gpg runs in a private, temporary home whose agent
// is stopped afterwards: nothing touches the user's own ~/.gnupg.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export interface SigningKey {
  /** A substring of the key's user id (helm's --key). */
  name: string;
  /** A secret keyring in the legacy, non-keybox format (helm's --keyring). */
  keyring: string;
  /** A file holding the key's passphrase, when it has one (helm's --passphrase-file). */
  passphraseFile?: string;
}

export interface ThrowawayKey extends SigningKey {
  /** The public half, for `helm verify --keyring`. */
  publicKeyring: string;
}

function gpg(home: string, args: string[], input?: string): string {
  const result = spawnSync("gpg", ["--homedir", home, "--batch", "--no-tty", "--quiet", ...args], { input, encoding: "utf8", timeout: 120_000 });
  if (result.error) {
    const hint = (result.error as NodeJS.ErrnoException).code === "ENOENT" ? " (install GnuPG: apt-get install gnupg)" : "";
    throw new Error(`cannot run gpg${hint}: ${result.error.message}`);
  }
  if (result.status !== 0) throw new Error(`gpg ${args.filter((a) => a.startsWith("--")).join(" ")} failed: ${result.stderr.trim()}`);
  return result.stdout;
}

function withGnupgHome<T>(use: (home: string) => T): T {
  const home = mkdtempSync(join(tmpdir(), "promstack-gnupg-"));
  chmodSync(home, 0o700);
  try {
    return use(home);
  } finally {
    spawnSync("gpgconf", ["--homedir", home, "--kill", "all"], { timeout: 30_000 });
    rmSync(home, { recursive: true, force: true });
  }
}

function passphraseArgs(key: SigningKey): string[] {
  return key.passphraseFile ? ["--pinentry-mode", "loopback", "--passphrase-file", resolve(key.passphraseFile)] : [];
}

/** An OpenPGP clearsigned document of `message`, SHA-512 like helm's own signatures. */
export function clearsign(key: SigningKey, message: string): string {
  return withGnupgHome((home) => {
    gpg(home, [...passphraseArgs(key), "--import", resolve(key.keyring)]);
    return gpg(home, [...passphraseArgs(key), "--local-user", key.name, "--digest-algo", "SHA512", "--clearsign"], message);
  });
}

/**
 * A fresh Ed25519 signing key without passphrase, written to `dir` as legacy secret and
 * public keyrings. For tests and local packaging only: it proves the signing path, not an origin.
 */
export function createThrowawayKey(dir: string): ThrowawayKey {
  const name = "promstack throwaway signing key";
  mkdirSync(dir, { recursive: true });
  const keyring = resolve(dir, "secring.gpg");
  const publicKeyring = resolve(dir, "pubring.gpg");
  rmSync(keyring, { force: true });
  rmSync(publicKeyring, { force: true });
  withGnupgHome((home) => {
    gpg(home, ["--pinentry-mode", "loopback", "--passphrase", "", "--quick-generate-key", `${name} <throwaway@promstack.invalid>`, "ed25519", "sign", "never"]);
    gpg(home, ["--output", keyring, "--export-secret-keys"]);
    gpg(home, ["--output", publicKeyring, "--export"]);
  });
  return { name, keyring, publicKeyring };
}
