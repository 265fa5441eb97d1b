/**
 * Printable A4 pages: the venue poster (QR large, venue name, the scan instruction in Indonesian and
 * English, the short code for typing in) and the certificate sheet. Layout only; server/poster-pdf.ts
 * writes it as PDF or SVG.
 */
import type { Certificate } from '../src/core/certificate';
import { qrText } from '../src/core/qr-link';
import type { Venue } from '../src/core/venue';
import { wrapText } from './poster-fonts';
import { A4, type Page, type PageItem } from './poster-pdf';

export const SCAN_TEXT_ID = 'Pindai dengan kamera ponsel Anda atau aplikasi Singgah';
export const SCAN_TEXT_EN = "Scan with your phone's camera or the Singgah app";

const MARGIN = 48;
const QR_SIZE = 400;

/** Centred lines of `text` from baseline `y` down; returns the items and the next free baseline. */
function block(text: string, y: number, size: number, bold: boolean, maxLines: number): [PageItem[], number] {
  const lines = wrapText(text, size, A4.width - 2 * MARGIN, bold).slice(0, maxLines);
  const lead = size * 1.2;
  return [lines.map((line, i) => ({ kind: 'text', text: line, y: y + i * lead, size, bold })), y + lines.length * lead];
}

export interface VenuePosterInput {
  readonly venue: Venue;
  /** The venue link (ORIGIN/v#…) the QR carries. */
  readonly url: string;
  /** Formatted short code, XXXXX-XXXXX. */
  readonly shortCode: string;
}

export function venuePosterPage({ venue, url, shortCode }: VenuePosterInput): Page {
  const items: PageItem[] = [];
  const [name, afterName] = block(venue.name, 84, 30, true, 3);
  items.push(...name);
  const [address] = block(venue.address, afterName + 4, 13, false, 2);
  items.push(...address);
  const qrTop = 200;
  items.push({ kind: 'qr', text: qrText(url), y: qrTop, size: QR_SIZE });
  let y = qrTop + QR_SIZE + 34;
  const [id, afterId] = block(SCAN_TEXT_ID, y, 17, true, 2);
  const [en, afterEn] = block(SCAN_TEXT_EN, afterId + 2, 15, false, 2);
  items.push(...id, ...en);
  y = afterEn + 26;
  items.push({ kind: 'text', text: 'Kode singkat / Short code', y, size: 12 });
  items.push({ kind: 'text', text: shortCode, y: y + 40, size: 36, bold: true });
  items.push({
    kind: 'text',
    text: `Singgah · ${venue.id} · ${venue.category} · ${venue.region}`,
    y: A4.height - 36,
    size: 9,
  });
  return { title: `Singgah: ${venue.name}`, items };
}

const KIND_TITLE: Record<Certificate['kind'], string> = {
  vaccination: 'Sertifikat vaksinasi / Vaccination certificate',
  test: 'Hasil tes / Test result',
  recovery: 'Sertifikat kesembuhan / Recovery certificate',
};

const utc = (t: number) => `${new Date(t * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function certificateDetails(c: Certificate): string[] {
  switch (c.kind) {
    case 'vaccination':
      return [`${c.product}, dosis/dose ${c.dose}/${c.doses}`, `Tanggal / Date: ${c.date}`];
    case 'test':
      return [
        `${c.testType.toUpperCase()}: ${c.result === 'neg' ? 'negatif / negative' : 'positif / positive'}`,
        `Sampel / Sample: ${utc(c.sampleTime)}`,
      ];
    case 'recovery':
      return [`Positif pertama / First positive: ${c.firstPositiveDate}`];
  }
}

/** One certificate per A4 sheet: what it says in words above its QR (which is what a verifier trusts). */
export function certificatePage(certificate: Certificate, url: string): Page {
  const c = certificate;
  const items: PageItem[] = [{ kind: 'text', text: KIND_TITLE[c.kind], y: 72, size: 20, bold: true }];
  const [holder, afterHolder] = block(c.holder.name, 112, 18, true, 2);
  items.push(...holder);
  let y = afterHolder + 2;
  for (const line of [
    `Lahir / Born: ${c.holder.birthDate}`,
    ...certificateDetails(c),
    `Berlaku s.d. / Valid until: ${utc(c.expiresAt)}`,
  ]) {
    items.push({ kind: 'text', text: line, y, size: 12 });
    y += 17;
  }
  items.push({ kind: 'qr', text: qrText(url), y: y + 10, size: 420 });
  items.push({ kind: 'text', text: `ID ${c.id}`, y: y + 460, size: 11 });
  items.push({
    kind: 'text',
    text: 'Tunjukkan QR ini atau impor ke aplikasi Singgah / Show this QR or import it into the Singgah app',
    y: y + 480,
    size: 10,
  });
  return { title: `Singgah: ${KIND_TITLE[c.kind]}`, items };
}
