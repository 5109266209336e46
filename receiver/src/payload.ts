/**
 * The Alertmanager webhook payload (version "4"): types and ajv validation.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import payloadSchema from './payload.schema.json' with { type: 'json' };
import type { AlertStatus } from './levels.js';

export { payloadSchema };

export interface WebhookAlert {
  status: AlertStatus;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

export interface WebhookPayload {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: AlertStatus;
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: WebhookAlert[];
}

export interface PayloadError {
  /** JSON pointer of the offending value ("" for the root). */
  instancePath: string;
  message: string;
}

export type PayloadCheck = { ok: true; payload: WebhookPayload } | { ok: false; error: PayloadError };

/** A compiled validator. Compile once per receiver (ajv code generation takes a few milliseconds). */
export class PayloadValidator {
  private readonly validate: ValidateFunction<WebhookPayload>;

  constructor() {
    // allErrors=false: stop at the first error, which is all the 422 response reports.
    const ajv = new Ajv({ allErrors: false, strict: true });
    this.validate = ajv.compile<WebhookPayload>(payloadSchema);
  }

  check(data: unknown): PayloadCheck {
    if (this.validate(data)) return { ok: true, payload: data };
    const first = this.validate.errors?.[0];
    return {
      ok: false,
      error: {
        instancePath: first?.instancePath ?? '',
        message: first?.message ?? 'invalid payload',
      },
    };
  }
}
