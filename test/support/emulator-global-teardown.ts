import { stopEmulators, type EmulatorSet } from '../../functions/src/dev/emulators';
import { RUNNING_EMULATORS } from './emulator-global-setup';

export default async function globalTeardown(): Promise<void> {
  const set = (globalThis as Record<symbol, EmulatorSet | undefined>)[RUNNING_EMULATORS];
  if (set) stopEmulators(set);
}
