/** The dispatcher (server/cli/index.ts): command words that name no group or command are usage errors. */
import { describe, expect, it } from 'vitest';
import { runCliIn } from '../../support/cli-authority';

describe('singgah dispatch', () => {
  it('a name every object has (constructor, toString) is an unknown command, not a group', async () => {
    for (const word of ['constructor', 'toString', '__proto__']) {
      const run = await runCliIn('/nonexistent', [word]);
      expect(run.code, word).toBe(2);
      expect(run.stderr, word).toContain(`unknown command "${word}"`);
      expect(run.stdout, word).toBe('');
    }
    const help = await runCliIn('/nonexistent', ['help', 'constructor']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^singgah — the Singgah authority CLI/);
  });

  it('a group alone prints its commands and exits 2; with --help it exits 0', async () => {
    const bare = await runCliIn('/nonexistent', ['trust']);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toContain('singgah trust — EU DCC signers');
    expect(bare.stdout).toContain('singgah trust remove KID');
    expect((await runCliIn('/nonexistent', ['trust', '--help'])).code).toBe(0);
  });
});
