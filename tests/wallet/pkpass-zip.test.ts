import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { crc32, finishArchive, joinParts, prepareArchive } from '../../src/wallet/apple/zip.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const template = [
  { name: 'icon.png', data: bytes('an icon, already compressed') },
  { name: 'fr.lproj/pass.strings', data: bytes('"points" = "Points";') },
];

describe('the pass archive', () => {
  it('unzips (fflate) to the template files followed by the pass’s own', () => {
    const prepared = prepareArchive(template);
    const own = [
      { name: 'pass.json', data: bytes('{"serialNumber":"one"}') },
      { name: 'signature', data: new Uint8Array([0x30, 0x82, 0, 0]) },
    ];
    const archive = finishArchive(prepared, own);
    const whole = joinParts(archive);
    expect(whole.length).toBe(archive.byteLength);
    const files = unzipSync(whole);
    expect(Object.keys(files)).toEqual(['icon.png', 'fr.lproj/pass.strings', 'pass.json', 'signature']);
    for (const f of [...template, ...own]) expect(files[f.name]).toEqual(f.data);
  });

  it('references the template’s bytes in every archive instead of copying them', () => {
    const prepared = prepareArchive(template);
    const first = finishArchive(prepared, [{ name: 'pass.json', data: bytes('{"n":1}') }]);
    const second = finishArchive(prepared, [{ name: 'pass.json', data: bytes('{"n":22}') }]);
    expect(first.parts[0]).toBe(prepared.local);
    expect(second.parts[0]).toBe(prepared.local);
    expect(second.parts[2]).toBe(prepared.central);
    expect(unzipSync(joinParts(first))['pass.json']).toEqual(bytes('{"n":1}'));
    expect(unzipSync(joinParts(second))['pass.json']).toEqual(bytes('{"n":22}'));
  });

  it('is as long as a general ZIP writer’s stored archive of the same files, with the standard CRC-32', () => {
    const own = [{ name: 'manifest.json', data: bytes('{}') }];
    const ours = joinParts(finishArchive(prepareArchive(template), own));
    const reference = zipSync(
      Object.fromEntries(
        [...template, ...own].map((f) => [f.name, [f.data, { level: 0, mtime: new Date(1980, 0, 1) }]]),
      ),
    );
    expect(ours.length).toBe(reference.length);
    expect(crc32(bytes('123456789'))).toBe(0xcbf43926);
  });
});
