// Just enough MIME to read what Alertmanager's email notifier sends: unfolded headers,
// RFC 2047 encoded words, multipart bodies, quoted-printable and base64 parts.
export interface Mail {
  headers: Map<string, string>;
  subject: string;
  /** Decoded bodies by content type (text/html, text/plain). */
  parts: Map<string, string>;
}

function splitHead(raw: string): { head: Map<string, string>; body: string } {
  const normalised = raw.replace(/\r\n/g, "\n");
  const end = normalised.indexOf("\n\n");
  const headText = end < 0 ? normalised : normalised.slice(0, end);
  const body = end < 0 ? "" : normalised.slice(end + 2);
  const head = new Map<string, string>();
  for (const line of headText.replace(/\n[ \t]+/g, " ").split("\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) head.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { head, body };
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  const unwrapped = text.replace(/=\n/g, "");
  for (let i = 0; i < unwrapped.length; i++) {
    const hex = unwrapped.slice(i + 1, i + 3);
    if (unwrapped[i] === "=" && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(unwrapped[i]!, "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** RFC 2047: =?charset?Q|B?text?= words (UTF-8 only, which is what Go writes). */
export function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _charset: string, encoding: string, text: string) =>
      encoding.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("utf8")
        : decodeQuotedPrintable(text.replace(/_/g, " ")),
    );
}

function decodeBody(body: string, encoding: string | undefined): string {
  switch ((encoding ?? "7bit").toLowerCase()) {
    case "quoted-printable":
      return decodeQuotedPrintable(body);
    case "base64":
      return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
    default:
      return body;
  }
}

function collectParts(head: Map<string, string>, body: string, parts: Map<string, string>): void {
  const type = head.get("content-type") ?? "text/plain";
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (type.toLowerCase().startsWith("multipart/") && boundary) {
    const sections = body.split(`--${boundary}`).slice(1);
    for (const section of sections) {
      if (section.startsWith("--")) break;
      const part = splitHead(section.replace(/^\n/, ""));
      collectParts(part.head, part.body.replace(/\n$/, ""), parts);
    }
    return;
  }
  parts.set(type.split(";")[0]!.trim().toLowerCase(), decodeBody(body, head.get("content-transfer-encoding")));
}

export function parseMail(raw: string): Mail {
  const { head, body } = splitHead(raw);
  const parts = new Map<string, string>();
  collectParts(head, body, parts);
  return { headers: head, subject: decodeWords(head.get("subject") ?? ""), parts };
}
