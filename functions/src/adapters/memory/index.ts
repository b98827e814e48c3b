/**
 * In-memory implementations of the effect runner's ports, for tests. Only the ports are in memory: the engine's state is
 * always in Firestore (the emulator in tests).
 */
import type { EffectPorts } from '../../engine/ports.js';
import { MemoryNotifier, MemoryPublisher } from './announcements.js';
import { MemoryCloudRun } from './cloudRun.js';
import { MemoryMetrics } from './metrics.js';
import { MemorySmoke } from './smoke.js';
import { MemoryTimers } from './timers.js';

export { MemoryCloudRun } from './cloudRun.js';
export { MemorySmoke } from './smoke.js';
export { HEALTHY, MemoryMetrics } from './metrics.js';
export { MemoryTimers, type MemoryTimer } from './timers.js';
export { MemoryNotifier, MemoryPublisher } from './announcements.js';
export { FakeClock } from './clock.js';
export { FaultPlan, TransientError, type Fault } from './faults.js';

/** Every port, in memory, with the concrete types so tests can script and inspect them. */
export interface MemoryPorts extends EffectPorts {
  readonly cloudRun: MemoryCloudRun;
  readonly smoke: MemorySmoke;
  readonly metrics: MemoryMetrics;
  readonly timers: MemoryTimers;
  readonly notifier: MemoryNotifier;
  readonly publisher: MemoryPublisher;
}

export function createMemoryPorts(): MemoryPorts {
  return {
    cloudRun: new MemoryCloudRun(),
    smoke: new MemorySmoke(),
    metrics: new MemoryMetrics(),
    timers: new MemoryTimers(),
    notifier: new MemoryNotifier(),
    publisher: new MemoryPublisher(),
  };
}
