import QRCode from 'qrcode';
import { QUIET_ZONE, qrPicture } from './qr';

describe('qrPicture', () => {
  it('draws one square per dark module, offset by the quiet zone', () => {
    const text = 'cGF0aWVudC1hbm5h.oBgYvcokvLp141rL';
    const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
    const picture = qrPicture(text);
    expect(picture.size).toBe(modules.size);
    const dark = Array.from(modules.data).filter(Boolean).length;
    expect(picture.path.match(/M/g)).toHaveLength(dark);
    // The finder pattern's top-left module is dark.
    expect(picture.path.startsWith(`M${QUIET_ZONE} ${QUIET_ZONE}h1v1h-1z`)).toBe(true);
  });
});
