/**
 * The receiver's routes when its configuration names none. A module of its own, without
 * ajv, so that `promstack validate` can read them without loading the config validator.
 */
import type { LevelMapping } from './levels.js';

export interface RouteConfig {
  readonly levels?: LevelMapping;
}

export const DEFAULT_ROUTES: { readonly [path: string]: RouteConfig } = {
  '/webhook': {
    levels: { firing: { critical: 'CRITICAL', warning: 'WARNING', '*': 'INFO' }, resolved: 'INFO' },
  },
  '/webhook/critical': {
    levels: { firing: 'CRITICAL', resolved: 'INFO' },
  },
  '/webhook/batch-jobs': {
    levels: { firing: { critical: 'ERROR', warning: 'WARNING', '*': 'INFO' }, resolved: 'INFO' },
  },
  '/webhook/infrastructure': {
    levels: { firing: { critical: 'CRITICAL', warning: 'WARNING', info: 'INFO', '*': 'WARNING' }, resolved: 'INFO' },
  },
};
