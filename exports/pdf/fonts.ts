import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The CJK font embedded in report PDFs. Debian's fonts-noto-cjk ships Noto Sans CJK as TrueType
 * collections; pdfkit (fontkit) picks the Simplified Chinese face out of a collection by its
 * PostScript name and embeds only the glyphs used. Without a CJK font the report would print empty
 * boxes (tofu) for every Chinese character, so a missing font is an error, never a fallback.
 */

export interface CjkFont {
  regular: { file: string; family: string };
  bold: { file: string; family: string };
}

const DEBIAN_DIR = '/usr/share/fonts/opentype/noto';

export class FontMissingError extends Error {
  override name = 'FontMissingError';
}

/**
 * RINGLENS_CJK_FONT may name another .ttc/.otf/.ttf (with RINGLENS_CJK_FONT_FAMILY for the face of a
 * collection); otherwise the Debian package's files are used.
 */
export function locateCjkFont(env: NodeJS.ProcessEnv = process.env, fontDir = DEBIAN_DIR): CjkFont {
  const custom = env.RINGLENS_CJK_FONT?.trim();
  if (custom) {
    if (!existsSync(custom)) throw new FontMissingError(`RINGLENS_CJK_FONT points to ${custom}, which does not exist`);
    const family = env.RINGLENS_CJK_FONT_FAMILY?.trim() || (custom.endsWith('.ttc') ? 'NotoSansCJKsc-Regular' : '');
    const face = { file: custom, family };
    return { regular: face, bold: face };
  }
  const regular = path.join(fontDir, 'NotoSansCJK-Regular.ttc');
  const bold = path.join(fontDir, 'NotoSansCJK-Bold.ttc');
  if (!existsSync(regular)) {
    throw new FontMissingError(
      `no CJK font for the case report: ${regular} is missing. Install the Debian package fonts-noto-cjk (apt-get install -y fonts-noto-cjk; .ci/run does this) or set RINGLENS_CJK_FONT to a font file with Simplified Chinese glyphs`,
    );
  }
  return { regular: { file: regular, family: 'NotoSansCJKsc-Regular' }, bold: existsSync(bold) ? { file: bold, family: 'NotoSansCJKsc-Bold' } : { file: regular, family: 'NotoSansCJKsc-Regular' } };
}

/**
 * Collects a pdfkit document into a Buffer and registers the CJK faces as 'cjk' and 'cjk-bold'
 * (regular selected). Shared by case reports and scheduled reports so both fail the same clear way
 * when the font cannot be loaded. Call before drawing; await `done` after `doc.end()`.
 */
export function prepareCjkDocument(doc: PDFKit.PDFDocument, font: CjkFont): { done: Promise<Buffer> } {
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  try {
    doc.registerFont('cjk', font.regular.file, font.regular.family);
    doc.registerFont('cjk-bold', font.bold.file, font.bold.family);
    doc.font('cjk');
  } catch (err) {
    throw new FontMissingError(`cannot load the CJK font ${font.regular.file} (${font.regular.family}): ${(err as Error).message}`);
  }
  return { done };
}
