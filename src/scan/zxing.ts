/** The decoder, behind its own module so the lazy chunk is named after it (assets/zxing-<hash>.js). */
export { BrowserQRCodeReader } from '@zxing/browser';
