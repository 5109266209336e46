// Go's net/url.Parse, as far as it can fail, and the parts Prometheus then looks at (scheme,
// host). Prometheus refuses a config whose URL fields Go cannot parse, so validate parses them
// the same way (Go 1.26's rules; written from reading its source, not copied).
import { isIPv6 } from "node:net";

export interface GoUrl {
  scheme: string;
  host: string;
}

const isHex = (c: string) => /^[0-9a-fA-F]$/.test(c);

/** Bytes a host may hold unescaped: letters, digits, -._~ and the sub-delimiters Go allows. */
function hostByteAllowed(c: string): boolean {
  return /^[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]$/.test(c);
}

type Mode = "host" | "zone" | "other";

/** The error of Go's unescape for this part of a URL, or undefined. */
function unescapeError(s: string, mode: Mode): string | undefined {
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    if (c === "%") {
      if (i + 2 >= s.length || !isHex(s[i + 1]!) || !isHex(s[i + 2]!)) return `invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`;
      const escape = s.slice(i, i + 3);
      // In a host, %-escapes may only stand for non-ASCII bytes (or %25 in an IPv6 zone).
      if (mode === "host" && parseInt(s[i + 1]!, 16) < 8 && escape !== "%25") return `invalid URL escape ${JSON.stringify(escape)}`;
      if (mode === "zone") {
        const byte = String.fromCharCode(parseInt(s.slice(i + 1, i + 3), 16));
        if (escape !== "%25" && byte !== " " && !hostByteAllowed(byte)) return `invalid URL escape ${JSON.stringify(escape)}`;
      }
      i += 3;
      continue;
    }
    if ((mode === "host" || mode === "zone") && c.charCodeAt(0) < 0x80 && !hostByteAllowed(c)) return `invalid character ${JSON.stringify(c)} in host name`;
    i++;
  }
  return undefined;
}

function validOptionalPort(port: string): boolean {
  return port === "" || /^:[0-9]*$/.test(port);
}

function parseHost(scheme: string, host: string): string | { error: string } {
  const open = host.lastIndexOf("[");
  if (open > 0) return { error: "invalid IP-literal" };
  if (open === 0) {
    const close = host.lastIndexOf("]");
    if (close < 0) return { error: "missing ']' in host" };
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) return { error: `invalid port ${JSON.stringify(colonPort)} after host` };
    const hostname = host.slice(1, close);
    const zone = hostname.indexOf("%25");
    const error = zone >= 0 ? unescapeError(hostname.slice(0, zone), "host") ?? unescapeError(hostname.slice(zone), "zone") : unescapeError(hostname, "host");
    if (error) return { error };
    let address: string;
    try {
      address = decodeURIComponent(hostname);
    } catch {
      address = hostname; // an escape that is not UTF-8: no IPv6 address either
    }
    if (!isIPv6(address)) return { error: `invalid host: ParseAddr(${JSON.stringify(address)}): not an IPv6 address` };
    return host;
  }
  const first = host.indexOf(":");
  if (first !== -1) {
    // Go 1.26 refuses colons in the host of http and https URLs (the last colon starts the port otherwise).
    const at = scheme === "http" || scheme === "https" ? first : host.lastIndexOf(":");
    const colonPort = host.slice(at);
    if (!validOptionalPort(colonPort)) return { error: `invalid port ${JSON.stringify(colonPort)} after host` };
  }
  const error = unescapeError(host, "host");
  return error ? { error } : host;
}

function validUserinfo(s: string): boolean {
  return /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(s);
}

/** Go's url.Parse: the scheme and host it reads, or the reason it fails. */
export function parseGoUrl(raw: string): GoUrl | { error: string } {
  const hash = raw.indexOf("#");
  const withoutFragment = hash >= 0 ? raw.slice(0, hash) : raw;
  if (/[\x00-\x1f\x7f]/.test(withoutFragment)) return { error: "net/url: invalid control character in URL" };
  if (withoutFragment === "*") return { scheme: "", host: "" };
  let scheme = "";
  let rest = withoutFragment;
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+\-.]*)?:/.exec(withoutFragment);
  if (/^:/.test(withoutFragment)) return { error: "missing protocol scheme" };
  if (schemeMatch && schemeMatch[1]) {
    scheme = schemeMatch[1].toLowerCase();
    rest = withoutFragment.slice(schemeMatch[0].length);
  }
  if (rest.endsWith("?") && rest.indexOf("?") === rest.length - 1) rest = rest.slice(0, -1);
  else if (rest.includes("?")) rest = rest.slice(0, rest.indexOf("?"));
  if (!rest.startsWith("/")) {
    if (scheme !== "") return { scheme, host: "" }; // opaque
    if (rest.split("/")[0]!.includes(":")) return { error: "first path segment in URL cannot contain colon" };
  }
  let host = "";
  if ((scheme !== "" || !rest.startsWith("///")) && rest.startsWith("//")) {
    let authority = rest.slice(2);
    const slash = authority.indexOf("/");
    rest = slash >= 0 ? authority.slice(slash) : "";
    if (slash >= 0) authority = authority.slice(0, slash);
    const at = authority.lastIndexOf("@");
    const parsed = parseHost(scheme, at < 0 ? authority : authority.slice(at + 1));
    if (typeof parsed !== "string") return parsed;
    host = parsed;
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      if (!validUserinfo(userinfo)) return { error: "net/url: invalid userinfo" };
      const error = unescapeError(userinfo, "other");
      if (error) return { error };
    }
  }
  const pathError = unescapeError(rest, "other");
  if (pathError) return { error: pathError };
  if (hash >= 0) {
    const fragmentError = unescapeError(raw.slice(hash + 1), "other");
    if (fragmentError) return { error: fragmentError };
  }
  return { scheme, host };
}
