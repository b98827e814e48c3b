/** The policies the benchmark compares: Runway and the anchors, each with its documented defaults. */
import type { Policy } from '../sim/engine.js';
import { ArgoRollouts } from './argo.js';
import { CRM_DEFAULTS, CRM_MIN_REQUESTS_0, ReleaseManager } from './crm.js';
import { Flagger, FLAGGER_T10, FLAGGER_T5 } from './flagger.js';
import { Kayenta } from './kayenta.js';
import { Runway } from './runway.js';

export interface PolicyEntry {
  /** Short key for tables. */
  readonly key: string;
  readonly label: string;
  readonly anchor: boolean;
  readonly make: () => Policy;
}

export const POLICIES: readonly PolicyEntry[] = [
  { key: 'runway', label: 'Runway', anchor: false, make: () => new Runway() },
  { key: 'flagger-t5', label: 'Flagger t5', anchor: true, make: () => new Flagger(FLAGGER_T5) },
  { key: 'flagger-t10', label: 'Flagger t10', anchor: true, make: () => new Flagger(FLAGGER_T10) },
  { key: 'crm-100', label: 'crm min-req 100', anchor: true, make: () => new ReleaseManager(CRM_DEFAULTS) },
  { key: 'crm-0', label: 'crm min-req 0', anchor: true, make: () => new ReleaseManager(CRM_MIN_REQUESTS_0) },
  { key: 'kayenta', label: 'Kayenta', anchor: true, make: () => new Kayenta() },
  { key: 'argo', label: 'Argo', anchor: true, make: () => new ArgoRollouts() },
];
