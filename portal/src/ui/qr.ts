/** QR codes as SVG path data (no canvas, no innerHTML): the `qrcode` package computes the modules. */
import QRCode from 'qrcode';

export interface QrPicture {
  /** Modules per side, without the quiet zone. */
  readonly size: number;
  /** One `M x y h1 v1 h-1 z` square per dark module, in module units offset by the quiet zone. */
  readonly path: string;
}

export const QUIET_ZONE = 4;

export function qrPicture(text: string): QrPicture {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const squares: string[] = [];
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (modules.get(row, col)) squares.push(`M${col + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`);
    }
  }
  return { size: modules.size, path: squares.join('') };
}
