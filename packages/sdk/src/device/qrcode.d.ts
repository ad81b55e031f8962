/** The part of `qrcode` (which ships no types) that terminal-qr.ts uses. */
declare module 'qrcode' {
  interface TerminalOptions {
    type: 'terminal';
    small?: boolean;
    errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H';
  }
  const QRCode: { toString(text: string, options: TerminalOptions): Promise<string> };
  export default QRCode;
}
