// Whether Alertmanager can load a time interval's `location`. Alertmanager calls Go's
// time.LoadLocation; its release binaries embed no tzdata (no time/tzdata import, no
// -tags timetzdata), so names resolve against the image's /usr/share/zoneinfo, which
// the prometheus/busybox base copies from Debian's tzdata: every IANA zone and link name,
// case-sensitive on Linux. Node's ICU knows the same IANA names (zones and links), but
// matches them case-insensitively, so we also require the case IANA spells.

/** "" (UTC), "UTC" and "Local" are built into Go; the rest come from the zoneinfo tree. */
const BUILT_IN = new Set(["", "UTC", "Local"]);

let canonical: Set<string> | undefined;

/** Returns why Go's time.LoadLocation would refuse a name, or undefined when it loads. */
export function timeZoneProblem(name: string): string | undefined {
  if (BUILT_IN.has(name)) return undefined;
  canonical ??= new Set(Intl.supportedValuesOf("timeZone"));
  if (canonical.has(name)) return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return `unknown time zone "${name}" (use an IANA name such as Europe/Madrid, or UTC)`;
  }
  // ICU accepts "europe/madrid"; the zoneinfo file system does not. IANA names start each
  // part with a capital letter or digit (America/Argentina/Buenos_Aires, Etc/GMT+5, EST5EDT).
  if (name.split("/").some((part) => !/^[A-Z0-9]/.test(part))) {
    return `unknown time zone "${name}": zone names are case-sensitive; did you mean "${resolved}"?`;
  }
  return undefined;
}
