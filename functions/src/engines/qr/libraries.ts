import type sharpModule from 'sharp';
import type jsQRModule from 'jsqr';

export type Sharp = typeof sharpModule;
export type JsQR = typeof jsQRModule;

/** The two libraries the engine decodes with: sharp (libvips, native) rasterises, jsQR finds codes. */
export interface ImageLibraries {
  sharp: Sharp;
  jsQR: JsQR;
}

export type LibraryLoader = () => ImageLibraries;

/**
 * Loads sharp and jsQR synchronously, when the engine is created. sharp's native binding can be
 * missing (a platform without a prebuilt binary); that must make this engine unavailable, not
 * break every other engine that is imported alongside it, hence a guarded require instead of an
 * import. Loading here (the CLI creates engines in its main thread too) also keeps libvips loaded
 * in the main thread, which sharp requires on glibc before worker threads that use it may exit.
 */
export function loadImageLibraries(): ImageLibraries {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- guarded load, see above
  const sharp = require('sharp') as Sharp;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded with sharp, same reason
  const jsQRExport = require('jsqr') as JsQR | { default: JsQR };
  const jsQR = typeof jsQRExport === 'function' ? jsQRExport : jsQRExport.default;
  // One image at a time per scan, many scans in parallel across workers: libvips threads per
  // image would only contend for the same cores. Nothing is reused across images, so no cache.
  sharp.concurrency(1);
  sharp.cache(false);
  return { sharp, jsQR };
}
