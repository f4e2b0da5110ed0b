import { ValueError } from '@tessera/tensor';

/** How a monitored value improves. */
export type MonitorMode = 'auto' | 'min' | 'max';

/** Keras's rule: `auto` means max for accuracy/AUC-like names, min otherwise. */
export function resolveMode(mode: MonitorMode, monitor: string, owner: string): 'min' | 'max' {
  if (mode === 'min' || mode === 'max') return mode;
  if (mode !== 'auto') throw new ValueError(`${owner}: mode must be 'auto', 'min' or 'max' but got '${String(mode)}'`);
  return /acc|auc|precision|recall/.test(monitor) ? 'max' : 'min';
}

/** True when `current` beats `reference` by more than `minDelta` in the mode's direction. */
export function isImprovement(current: number, reference: number, mode: 'min' | 'max', minDelta: number): boolean {
  return mode === 'min' ? current < reference - Math.abs(minDelta) : current > reference + Math.abs(minDelta);
}
