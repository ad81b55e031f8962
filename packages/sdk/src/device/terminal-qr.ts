import QRCode from 'qrcode';

/**
 * A QR code of `text` drawn with block characters for a terminal (two rows per line), for
 * a device sign-in's `verificationUriComplete`: scanned with the phone's camera, it opens
 * the approval page with the code filled in. Node only (`@baton/sdk/node`).
 */
export function terminalQrCode(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'terminal', small: true, errorCorrectionLevel: 'M' });
}
