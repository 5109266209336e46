// Local stand-ins for the services Alertmanager notifies, each recording what arrives:
// - one HTTP server for Slack-compatible webhooks, the PagerDuty Events API v2 and other
//   JSON webhooks (Discord, MS Teams, plain webhooks to external hosts); the path says which
//   Alertmanager receiver and integration sent it: /<kind>/<receiver>/<index>;
// - real SMTP servers (smtp-server), one port per email integration, keeping every mail.
// Everything listens on 127.0.0.1 only.
import type { IncomingMessage, ServerResponse } from "node:http";
import { SMTPServer } from "smtp-server";
import { LocalHttpServer } from "./http-server.js";
import { parseMail, type Mail } from "./mail.js";

export type SinkKind = "slack" | "pagerduty" | "webhook" | "discord" | "msteams" | "email";

export interface Arrival {
  /** A sink, or "alert-receiver": one line the chart's receiver logged for one alert. */
  kind: SinkKind | "alert-receiver";
  /** The Alertmanager receiver whose integration sent it. */
  receiver: string;
  index: number;
  at: number;
  json?: Record<string, unknown>;
  mail?: Mail & { envelopeFrom: string; envelopeTo: string[]; auth?: { username: string; password: string } };
}

type Listener = (arrival: Arrival) => void;

export class Recorder {
  readonly arrivals: Arrival[] = [];
  private listeners: Listener[] = [];

  record(arrival: Arrival): void {
    this.arrivals.push(arrival);
    for (const l of this.listeners) l(arrival);
  }

  onArrival(listener: Listener): void {
    this.listeners.push(listener);
  }
}

const PAGERDUTY_SEVERITIES = ["critical", "error", "warning", "info"];

/** Events API v2 rules a real PagerDuty enforces; a violation is answered 400 as PagerDuty does. */
function pagerDutyProblems(event: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (typeof event["routing_key"] !== "string" || event["routing_key"] === "") problems.push("routing_key missing");
  const action = event["event_action"];
  if (!["trigger", "acknowledge", "resolve"].includes(String(action))) problems.push(`event_action "${String(action)}"`);
  if (action !== "trigger") return problems;
  const payload = event["payload"] as Record<string, unknown> | undefined;
  if (!payload) return [...problems, "payload missing"];
  if (typeof payload["summary"] !== "string" || payload["summary"] === "" || payload["summary"].length > 1024) problems.push("payload.summary");
  if (typeof payload["source"] !== "string" || payload["source"] === "") problems.push("payload.source");
  if (!PAGERDUTY_SEVERITIES.includes(String(payload["severity"]))) problems.push(`payload.severity "${String(payload["severity"])}"`);
  return problems;
}

function reply(res: ServerResponse, status: number, body: string, type = "text/plain"): void {
  res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

export class HttpSink extends LocalHttpServer {
  constructor(private readonly recorder: Recorder) {
    super((req, res) => this.handle(req, res));
  }

  url(kind: Exclude<SinkKind, "email">, receiver: string, index: number): string {
    return `http://127.0.0.1:${this.port}/${kind}/${encodeURIComponent(receiver)}/${index}`;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const match = /^\/(slack|pagerduty|webhook|discord|msteams)\/([^/]+)\/(\d+)$/.exec(req.url ?? "");
      if (req.method !== "POST" || !match) return reply(res, 404, "unknown sink path\n");
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
      } catch {
        return reply(res, 400, "invalid JSON\n");
      }
      const kind = match[1] as Exclude<SinkKind, "email">;
      if (kind === "pagerduty") {
        const problems = pagerDutyProblems(json);
        if (problems.length > 0) return reply(res, 400, JSON.stringify({ status: "invalid event", message: "Event object is invalid", errors: problems }), "application/json");
      }
      this.recorder.record({ kind, receiver: decodeURIComponent(match[2]!), index: Number(match[3]), at: Date.now(), json });
      if (kind === "pagerduty") {
        reply(res, 202, JSON.stringify({ status: "success", message: "Event processed", dedup_key: json["dedup_key"] }), "application/json");
      } else if (kind === "discord") {
        res.writeHead(204).end();
      } else {
        reply(res, 200, "ok");
      }
    });
  }
}

/** A real SMTP server for one email integration; accepts any login (recorded) and keeps every mail. */
export class SmtpSink {
  port = 0;
  private readonly server: SMTPServer;

  constructor(recorder: Recorder, readonly receiver: string, readonly index: number) {
    const logins = new Map<string, { username: string; password: string }>();
    this.server = new SMTPServer({
      // Plain SMTP on 127.0.0.1: STARTTLS off, as the rewritten config (require_tls: false) expects.
      disabledCommands: ["STARTTLS"],
      authOptional: true,
      logger: false,
      onAuth(credentials, session, callback) {
        logins.set(session.id, { username: credentials.username ?? "", password: credentials.password ?? "" });
        callback(null, { user: credentials.username });
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          const auth = logins.get(session.id);
          const mail = parseMail(Buffer.concat(chunks).toString("utf8"));
          recorder.record({
            kind: "email",
            receiver,
            index,
            at: Date.now(),
            mail: {
              ...mail,
              envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
              ...(auth ? { auth } : {}),
            },
          });
          callback(null);
        });
      },
    });
  }

  async start(): Promise<void> {
    const listening = await new Promise<ReturnType<SMTPServer["listen"]>>((resolve) => {
      const server = this.server.listen(0, "127.0.0.1", () => resolve(server));
    });
    this.port = (listening.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
