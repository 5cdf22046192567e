import type { Engine } from '../../core/engine/types';
import { EngineUnavailableError } from '../../core/engine/types';
import { parseEngineConfig } from '../../core/engine/config';
import { createLinkAnalyser } from '../links';
import { QrConfigSchema, type QrConfig } from './config';
import { ImageSearch } from './image-search';
import { loadImageLibraries, type ImageLibraries, type LibraryLoader } from './libraries';
import { buildReport } from './report';

export { QrConfigSchema, type QrConfig, type QrConfigInput } from './config';
export { QR_FINDING_TITLES, QR_SCORES, qrLinkFindingId } from './findings';
export { classifyPayload, type PayloadKind } from './payload';

export const QR_ENGINE_VERSION = '1.0.0';

export interface QrEngineDependencies {
  /** Loads sharp and jsQR; replaced in tests to simulate a missing native binding. */
  loadLibraries?: LibraryLoader;
}

/**
 * The qr engine ("quishing"): finds QR codes in a message's images (attachments, inline images,
 * `data:` images in HTML, image objects inside PDFs), decodes them offline with sharp + jsQR,
 * and judges the web addresses they open with the links engine's rules. A QR code moves the
 * click from the protected mailbox to an unprotected phone, which is why phishers use them.
 *
 * When sharp's native binding (or jsQR) cannot be loaded, the engine is still created, so the
 * other engines run, but every scan throws EngineUnavailableError: never a silent "clean".
 */
export function createQrEngine(input: unknown = {}, dependencies: QrEngineDependencies = {}): Engine<QrConfig> {
  const config = parseEngineConfig(QrConfigSchema, input, 'qr');
  const analyseLinks = createLinkAnalyser(config.links);
  let search: ImageSearch | null = null;
  let unavailable: unknown = null;
  try {
    const libraries: ImageLibraries = (dependencies.loadLibraries ?? loadImageLibraries)();
    search = new ImageSearch(libraries, config);
  } catch (error) {
    unavailable = error;
  }

  return {
    name: 'qr',
    version: QR_ENGINE_VERSION,
    defaultTimeoutMs: 3000,
    config,
    scan: async (subject, context) => {
      if (search === null) {
        const reason = unavailable instanceof Error ? unavailable.message : String(unavailable);
        throw new EngineUnavailableError('qr', `image libraries could not be loaded (sharp/jsQR): ${reason}`, { cause: unavailable });
      }
      const { codes, stats } = await search.search(subject, context.signal);
      return buildReport(subject, codes, stats, analyseLinks, context, config);
    },
  };
}
