import { describe, expect, it } from 'vitest';
import { foreignImportPath } from '../../src/core/qr-link';
import { parseRoute } from '../../src/ui/router';

describe('parseRoute', () => {
  it('routes pathnames and takes payloads from the hash', () => {
    expect(parseRoute('/', '')).toEqual({ name: 'home' });
    expect(parseRoute('/scan', '')).toEqual({ name: 'scan' });
    expect(parseRoute('/history/', '')).toEqual({ name: 'history' });
    expect(parseRoute('/settings', '')).toEqual({ name: 'settings' });
    expect(parseRoute('/v', '#0123')).toEqual({ name: 'venue', code: '0123' });
    expect(parseRoute('/c/', '#99')).toEqual({ name: 'certificate', code: '99' });
    expect(parseRoute('/nope', '')).toEqual({ name: 'not-found', path: '/nope' });
  });

  it('accepts the upper-case paths that QR texts use (core qrText)', () => {
    expect(parseRoute('/V', '#0123')).toEqual({ name: 'venue', code: '0123' });
    expect(parseRoute('/C', '#45')).toEqual({ name: 'certificate', code: '45' });
    // A person's pass opened by a phone's own camera app: guard mode, which decides it.
    expect(parseRoute('/P', '#111')).toEqual({ name: 'verify', code: '111' });
    expect(parseRoute('/p', '#111')).toEqual({ name: 'verify', code: '111' });
    expect(parseRoute('/verify', '')).toEqual({ name: 'verify', code: '' });
  });

  it('decodes a DCC’s or a card’s texts from the import link (core foreignImportPath)', () => {
    const card = 'shc:/1/2/5676\nshc:/2/2/2957';
    const [path, hash] = foreignImportPath(card).split('#');
    expect(parseRoute(path, `#${hash}`)).toEqual({ name: 'certificate', code: card });
    const [, dcc] = foreignImportPath('HC1:NCF 3%+/:').split('#');
    expect(parseRoute('/c', `#${dcc}`)).toEqual({ name: 'certificate', code: 'HC1:NCF 3%+/:' });
  });
});
