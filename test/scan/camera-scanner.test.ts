import { describe, expect, it } from 'vitest';
import { cameraErrorCode, debouncer } from '../../src/scan/camera-scanner';

describe('debouncer', () => {
  it('drops the same text within 2.5 s, lets other text and later repeats through', () => {
    let t = 0;
    const accept = debouncer(2_500, () => t);
    expect(accept('a')).toBe(true);
    t = 1_000;
    expect(accept('a')).toBe(false);
    t = 2_000;
    expect(accept('b')).toBe(true);
    t = 2_100;
    expect(accept('a')).toBe(true);
    t = 4_700;
    expect(accept('a')).toBe(true);
  });

  it('reports a code held in front of the camera again every 2.5 s, not never', () => {
    let t = 0;
    const accept = debouncer(2_500, () => t);
    const seen: number[] = [];
    for (t = 0; t <= 6_000; t += 40) if (accept('held')) seen.push(t);
    expect(seen).toEqual([0, 2_520, 5_040]);
  });
});

describe('cameraErrorCode', () => {
  it('maps permission failures to CAMERA_DENIED and everything else to CAMERA_UNAVAILABLE', () => {
    expect(cameraErrorCode(new DOMException('no', 'NotAllowedError'))).toBe('CAMERA_DENIED');
    expect(cameraErrorCode(new DOMException('no', 'SecurityError'))).toBe('CAMERA_DENIED');
    expect(cameraErrorCode(new DOMException('none', 'NotFoundError'))).toBe('CAMERA_UNAVAILABLE');
    expect(cameraErrorCode(new DOMException('busy', 'NotReadableError'))).toBe('CAMERA_UNAVAILABLE');
    expect(cameraErrorCode('weird')).toBe('CAMERA_UNAVAILABLE');
  });
});
