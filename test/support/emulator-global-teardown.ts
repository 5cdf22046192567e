import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopEmulators } from '../../functions/src/dev/emulators';

export default async function globalTeardown(): Promise<void> {
  const file = join(__dirname, '..', '..', '.strata-run', 'emulators', 'pids.json');
  stopEmulators(JSON.parse(readFileSync(file, 'utf8')));
}
