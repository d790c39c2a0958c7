/**
 * PDFs made in the tests with PDFKit, so that no binary fixture (and no licence for one) is needed. Each line is
 * placed where a page of a manual would have it: a running header at the top, a page number at the bottom, and body
 * lines 14 points apart (11-point text) with a blank line's gap between paragraphs. PDFKit also writes encrypted PDFs
 * (a user password), which pdf-lib cannot.
 * @module
 */
import PDFKit from 'pdfkit';

/**
 * A page: its paragraphs, each a list of lines as they are set (a line ending in "-" hyphenates a word), or a scanned
 * page: an image (here a grey box) and no text at all, not even the running header.
 */
export type PdfPage = { paragraphs: string[][]; heading?: string } | { scanned: true };

/** Options of {@link makePdf}. */
export interface MakePdfOptions {
  /** The metadata Title; none when not given. */
  title?: string;
  /** A header line at the top of every page. */
  runningHeader?: string;
  /** Writes "Page N of M" at the bottom of every page. */
  pageNumbers?: boolean;
  /** Encrypts the file so that it opens only with this password. */
  userPassword?: string;
  /** Encrypts the file with an owner password only: it opens without one, with copying and editing restricted. */
  ownerPassword?: string;
}

const LEFT = 72;
const LINE_SPACING = 14;
const PARAGRAPH_SPACING = 28;

/** Writes a PDF of `pages` (see {@link PdfPage}) and returns its bytes. */
export function makePdf(pages: readonly PdfPage[], options: MakePdfOptions = {}): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const encrypted = options.userPassword !== undefined || options.ownerPassword !== undefined;
    const document = new PDFKit({
      autoFirstPage: false,
      compress: true,
      ...(options.title === undefined ? {} : { info: { Title: options.title } }),
      ...(encrypted
        ? {
            pdfVersion: '1.7' as const,
            userPassword: options.userPassword,
            ownerPassword: options.ownerPassword ?? options.userPassword,
            permissions: { copying: false, modifying: false },
          }
        : {}),
    });
    const parts: Buffer[] = [];
    document.on('data', (part: Buffer) => parts.push(part));
    document.on('end', () => resolve(new Uint8Array(Buffer.concat(parts))));
    document.on('error', reject);
    pages.forEach((page, index) => {
      document.addPage();
      if ('scanned' in page) {
        document.rect(LEFT, 72, 400, 600).fill('#999999');
        return;
      }
      if (options.runningHeader) document.fontSize(9).text(options.runningHeader, LEFT, 40, { lineBreak: false });
      if (options.pageNumbers) document.fontSize(9).text(`Page ${index + 1} of ${pages.length}`, LEFT, 750, { lineBreak: false });
      let y = 90;
      if (page.heading) {
        document.fontSize(16).text(page.heading, LEFT, y, { lineBreak: false });
        y += 36;
      }
      document.fontSize(11);
      for (const paragraph of page.paragraphs) {
        for (const line of paragraph) {
          document.text(line, LEFT, y, { lineBreak: false });
          y += LINE_SPACING;
        }
        y += PARAGRAPH_SPACING - LINE_SPACING;
      }
    });
    document.end();
  });
}
