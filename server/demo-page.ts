/**
 * The demo page (`/demo`): every demo venue poster and demo certificate as a QR code with its link,
 * in Indonesian and English, for trying the app with a second screen or a printout. `/demo.json` is
 * the same data for e2e tests. No inline style or script (the CSP forbids both): the stylesheet is
 * `/demo.css` and the QR images are inline SVG using attributes only.
 */
import type { BundlePayload } from '../src/core/bundle';
import { type Certificate, decodeCertificate } from '../src/core/certificate';
import { certificateLink, qrText, venueLink } from '../src/core/qr-link';
import { formatShortCode, shortCodeOf } from '../src/core/short-code';
import { decodeVenue } from '../src/core/venue';
import { readPublishedBundle } from './authority';
import type { Queryable } from './db';
import { DEMO_PEOPLE } from './demo/data';
import { type DemoDcc, demoDccs, listDemoCertificates, listDemoVenues } from './demo-listing';
import { linkQrSvg } from './qr';

export interface DemoJson {
  readonly bundleVersion: number | null;
  readonly venues: readonly {
    readonly id: string;
    readonly name: string;
    readonly category: string;
    readonly region: string;
    readonly code: string;
    readonly url: string;
    /** What the poster QR encodes: `url` with origin and path upper-cased (core's qrText). */
    readonly qrText: string;
    /** Printed under the QR for typing in the app (`XXXXX-XXXXX`, src/core/short-code.ts). */
    readonly shortCode: string;
  }[];
  readonly certificates: readonly {
    readonly id: string;
    readonly holder: string;
    readonly kind: string;
    readonly code: string;
    readonly url: string;
    /** Demo person key (budi, siti, andi, dewi) and the status the demo policy gives them. */
    readonly person: string | null;
    readonly expectedStatus: string | null;
  }[];
  /** EU DCCs (`HC1:` texts) signed by the demo's own and "foreign" DCC signers at the request (server/demo.ts). */
  readonly dccs: readonly DemoDcc[];
  readonly people: readonly {
    readonly key: string;
    readonly name: string;
    readonly birthDate: string;
    readonly region: string;
    readonly expectedStatus: string;
  }[];
}

function publishedPayload(dataDir: string): BundlePayload | undefined {
  try {
    return readPublishedBundle(dataDir)?.payload;
  } catch {
    return undefined;
  }
}

export async function demoJson(
  db: Queryable,
  dataDir: string,
  origin: string,
  now: number = Math.floor(Date.now() / 1000),
): Promise<DemoJson> {
  const [venues, certificates] = await Promise.all([listDemoVenues(db), listDemoCertificates(db)]);
  return {
    bundleVersion: publishedPayload(dataDir)?.version ?? null,
    venues: venues.map((v) => ({
      id: v.id,
      name: v.name,
      category: v.category,
      region: v.region,
      code: v.code,
      url: venueLink(origin, v.code),
      qrText: qrText(venueLink(origin, v.code)),
      shortCode: formatShortCode(shortCodeOf(v.id)),
    })),
    certificates: certificates.map((c) => {
      const person = DEMO_PEOPLE.find((p) => p.name === c.holder_name);
      return {
        id: c.id,
        holder: c.holder_name,
        kind: c.kind,
        code: c.code,
        url: certificateLink(origin, c.code),
        person: person?.key ?? null,
        expectedStatus: person?.expectedStatus ?? null,
      };
    }),
    dccs: demoDccs(dataDir, now),
    people: DEMO_PEOPLE.map(({ key, name, birthDate, region, expectedStatus }) => ({
      key,
      name,
      birthDate,
      region,
      expectedStatus,
    })),
  };
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

const REGION_NAMES: Record<string, string> = {
  '33': 'Jawa Tengah',
  '3374': 'Kota Semarang',
  '64': 'Kalimantan Timur',
  '6472': 'Kota Samarinda',
};
const regionLabel = (code: string) => (REGION_NAMES[code] ? `${REGION_NAMES[code]} (${code})` : code);

const STATUS_LABEL: Record<string, { id: string; en: string }> = {
  green: { id: 'Hijau', en: 'Green' },
  yellow: { id: 'Kuning', en: 'Yellow' },
  red: { id: 'Merah', en: 'Red' },
  black: { id: 'Hitam', en: 'Black' },
};

const both = (id: string, en: string) =>
  `<span lang="id">${escapeHtml(id)}</span> <span class="sep" aria-hidden="true">/</span> <span lang="en">${escapeHtml(en)}</span>`;

const utc = (t: number) => `${new Date(t * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function certificateLabel(c: Certificate): string {
  switch (c.kind) {
    case 'vaccination':
      return both(
        `Vaksinasi: dosis ${c.dose} dari ${c.doses} (${c.product}), ${c.date}`,
        `Vaccination: dose ${c.dose} of ${c.doses} (${c.product}), ${c.date}`,
      );
    case 'test': {
      const type = c.testType === 'pcr' ? 'PCR' : 'Antigen';
      const resultId = c.result === 'neg' ? 'negatif' : 'positif';
      const resultEn = c.result === 'neg' ? 'negative' : 'positive';
      return both(
        `Tes ${type}: ${resultId}, sampel ${utc(c.sampleTime)}`,
        `${type} test: ${resultEn}, sampled ${utc(c.sampleTime)}`,
      );
    }
    case 'recovery':
      return both(`Sembuh: positif pertama ${c.firstPositiveDate}`, `Recovery: first positive ${c.firstPositiveDate}`);
  }
}

async function qrFigure(url: string, label: string): Promise<string> {
  const svg = await linkQrSvg(url);
  return `<div class="qr" role="img" aria-label="${escapeHtml(label)}">${svg}</div>
      <p class="link"><a href="${escapeHtml(url)}">${escapeHtml(url.length > 64 ? `${url.slice(0, 60)}…` : url)}</a></p>`;
}

export async function demoPage(db: Queryable, dataDir: string, origin: string): Promise<string> {
  const bundle = publishedPayload(dataDir);
  const data = await demoJson(db, dataDir, origin);
  const categoryName = (code: string) =>
    bundle?.categories.find((c) => c.code === code)?.name ?? { id: code, en: code };

  const venueCards = await Promise.all(
    data.venues.map(async (v) => {
      const decoded = decodeVenue(v.code);
      const venue = decoded.ok ? decoded.value.venue : undefined;
      const cat = categoryName(v.category);
      return `<li class="card venue">
      <h3>${escapeHtml(v.name)}</h3>
      <p class="meta">${both(cat.id, cat.en)}</p>
      <p class="meta">${venue ? escapeHtml(venue.address) : ''}</p>
      <p class="meta">${both('Wilayah', 'Region')}: ${escapeHtml(regionLabel(v.region))}</p>
      ${
        venue
          ? `<p class="meta">${both('Kapasitas', 'Capacity')}: ${venue.capacity} · ${both('Lama kunjungan', 'Default stay')}: ${venue.stayMinutes} min</p>`
          : ''
      }
      ${await qrFigure(v.url, `QR check-in ${v.name}`)}
      <p class="short-code">${both('Kode tempat', 'Venue code')}: <strong data-short-code>${escapeHtml(v.shortCode)}</strong></p>
    </li>`;
    }),
  );

  const peopleSections = await Promise.all(
    DEMO_PEOPLE.map(async (p) => {
      const certs = data.certificates.filter((c) => c.person === p.key);
      const items = await Promise.all(
        certs.map(async (c) => {
          const decoded = decodeCertificate(c.code);
          const label = decoded.ok ? certificateLabel(decoded.value.certificate) : escapeHtml(c.kind);
          const expires = decoded.ok ? decoded.value.certificate.expiresAt : undefined;
          return `<li class="card cert">
          <p class="kind">${label}</p>
          ${expires ? `<p class="meta">${both('Berlaku sampai', 'Valid until')}: ${utc(expires)}</p>` : ''}
          ${await qrFigure(c.url, `QR ${c.kind} ${p.name}`)}
        </li>`;
        }),
      );
      const status = STATUS_LABEL[p.expectedStatus];
      return `<section class="person" aria-labelledby="person-${p.key}">
      <h3 id="person-${p.key}">${escapeHtml(p.name)}</h3>
      <p class="meta">${both('Lahir', 'Born')} ${escapeHtml(p.birthDate)} · ${both('Wilayah asal', 'Home region')}: ${escapeHtml(regionLabel(p.region))}</p>
      <p class="status status-${p.expectedStatus}">${both(`Status: ${status.id}`, `Status: ${status.en}`)} — ${both(p.note.id, p.note.en)}</p>
      <ul class="cards">${items.join('\n')}</ul>
    </section>`;
    }),
  );

  const dccCards = await Promise.all(
    data.dccs.map(
      async (d, i) => `<li class="card cert">
      <p class="kind">${both('Sertifikat COVID Digital UE', 'EU Digital COVID Certificate')} · ${escapeHtml(d.holder)} (${escapeHtml(d.country)})</p>
      <p class="meta">${both(d.note.id, d.note.en)}</p>
      <div class="qr" role="img" aria-label="${escapeHtml(`QR EU DCC ${d.holder}`)}">${await linkQrSvg(d.text)}</div>
      <label for="dcc-${i}">${both('Teks untuk ditempel', 'Text to paste')}</label>
      <textarea id="dcc-${i}" readonly rows="3" data-dcc="${escapeHtml(d.holder)}">${escapeHtml(d.text)}</textarea>
    </li>`,
    ),
  );

  const bundleLine = bundle
    ? both(
        `Aturan versi ${bundle.version}, berlaku sampai ${utc(bundle.expiresAt)}`,
        `Rules version ${bundle.version}, valid until ${utc(bundle.expiresAt)}`,
      )
    : both('Aturan belum diterbitkan', 'No rules published yet');

  return `<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Singgah — Demo</title>
<link rel="stylesheet" href="/demo.css">
<link rel="icon" href="/icon.svg" type="image/svg+xml">
</head>
<body>
<header>
  <h1>Singgah — Demo</h1>
  <p lang="id">Kode QR tempat dan sertifikat contoh, ditandatangani dengan kunci demo. Pindai kode tempat dengan aplikasi Singgah atau kamera ponsel; buka kode sertifikat untuk mengimpornya ke dompet.</p>
  <p lang="en">Sample venue and certificate QR codes, signed with the demo keys. Scan a venue code with the Singgah app or the phone's camera; open a certificate code to import it into the wallet.</p>
  <p><a class="button" href="/">${both('Buka aplikasi', 'Open the app')}</a></p>
  <p class="meta">${bundleLine}</p>
</header>
<main>
  <section aria-labelledby="venues">
    <h2 id="venues">${both('Tempat', 'Venues')}</h2>
    <ul class="cards">
    ${venueCards.join('\n')}
    </ul>
  </section>
  <section aria-labelledby="certificates">
    <h2 id="certificates">${both('Sertifikat', 'Certificates')}</h2>
    <p class="meta">${both(
      'Sertifikat demo diterbitkan ulang setiap kali server demo dimulai, dengan waktu relatif terhadap saat itu.',
      'Demo certificates are re-issued whenever the demo server starts, with times relative to that moment.',
    )}</p>
    ${peopleSections.join('\n')}
  </section>
  ${
    dccCards.length > 0
      ? `<section aria-labelledby="dccs">
    <h2 id="dccs">${both('Sertifikat COVID Digital UE (HC1:)', 'EU Digital COVID Certificates (HC1:)')}</h2>
    <p class="meta">${both(
      'Ditandatangani saat halaman ini dibuka oleh penanda tangan DCC otoritas demo (ID) dan penanda tangan "asing" yang dipercayainya (DE). Pindai QR-nya, atau tempel teksnya di Dompet.',
      'Signed when this page is opened by the demo authority\'s DCC signer (ID) and a "foreign" signer it trusts (DE). Scan the QR, or paste the text in the Wallet.',
    )}</p>
    <ul class="cards">${dccCards.join('\n')}</ul>
  </section>`
      : ''
  }
</main>
<footer>
  <p class="meta">${both('Hanya untuk demo: bukan sertifikat kesehatan yang sah.', 'Demo only: not a valid health certificate.')}</p>
</footer>
</body>
</html>
`;
}

export const demoCss = `:root {
  color-scheme: light;
  --fg: #1a1a1a;
  --muted: #555;
  --line: #d0d0d0;
  --accent: #0b6e4f;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  line-height: 1.45;
  color: var(--fg);
  background: #fafafa;
}
body { margin: 0 auto; max-width: 72rem; padding: 1rem; }
h1 { font-size: 1.8rem; margin: 0.5rem 0; }
h2 { font-size: 1.4rem; margin: 2rem 0 0.5rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.1rem; margin: 0 0 0.25rem; }
.sep { color: var(--muted); }
[lang="en"] { color: var(--muted); }
.meta { margin: 0.15rem 0; font-size: 0.95rem; }
.cards { list-style: none; padding: 0; margin: 0.5rem 0; display: grid; gap: 1rem;
  grid-template-columns: repeat(auto-fill, minmax(17rem, 1fr)); }
.card { background: #fff; border: 1px solid var(--line); border-radius: 0.5rem; padding: 1rem;
  break-inside: avoid; page-break-inside: avoid; }
.qr { background: #fff; margin: 0.75rem auto 0.25rem; max-width: 16rem; }
.qr svg { display: block; width: 100%; height: auto; }
textarea { box-sizing: border-box; width: 100%; font: 0.75rem/1.3 monospace; }
.short-code { text-align: center; margin: 0.25rem 0; }
.short-code strong { font-family: ui-monospace, monospace; font-size: 1.4rem; letter-spacing: 0.08em; }
.link { font-size: 0.8rem; word-break: break-all; margin: 0; }
.kind { font-weight: 600; margin: 0 0 0.25rem; }
.person { margin: 1.5rem 0; }
.status { font-weight: 600; padding: 0.25rem 0.5rem; border-left: 0.4rem solid; }
.status-green { border-color: #1b873f; }
.status-yellow { border-color: #d4a300; }
.status-red { border-color: #c62828; }
.status-black { border-color: #000; }
a { color: var(--accent); }
.button { display: inline-block; padding: 0.6rem 1rem; border-radius: 0.4rem; background: var(--accent);
  color: #fff; text-decoration: none; font-weight: 600; }
.button [lang="en"], .button .sep { color: #e8f5ef; }
@media print {
  body { background: #fff; max-width: none; }
  header .button, footer { display: none; }
  .card { border-color: #999; }
}
`;
