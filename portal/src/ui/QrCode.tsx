import { useMemo } from 'react';
import { QUIET_ZONE, qrPicture } from './qr';

/** A QR code drawn as inline SVG; `label` is what a screen reader announces instead of the picture. */
export function QrCode({ text, label, pixels = 220 }: { text: string; label: string; pixels?: number }) {
  const picture = useMemo(() => qrPicture(text), [text]);
  const side = picture.size + 2 * QUIET_ZONE;
  return (
    <svg
      className="qr"
      role="img"
      aria-label={label}
      width={pixels}
      height={pixels}
      viewBox={`0 0 ${side} ${side}`}
      shapeRendering="crispEdges"
    >
      <rect width={side} height={side} fill="#fff" />
      <path d={picture.path} fill="#000" />
    </svg>
  );
}
