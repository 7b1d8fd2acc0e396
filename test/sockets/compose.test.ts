import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { composeFrames, MAX_COMPOSED_FRAMES } from '../../extension/sockets/compose';

const texts = (frames: Buffer[]) => frames.map(String);

describe('composeFrames', () => {
  it('makes one frame per line of text, keeping empty lines inside as empty frames', async () => {
    assert.deepEqual(texts(await composeFrames('topic\n\nbody\n', 'text')), ['topic', '', 'body']);
    assert.deepEqual(texts(await composeFrames('a\r\nb', 'text')), ['a', 'b']);
  });

  it('reads hex with spaces or colons between bytes', async () => {
    const frames = await composeFrames('de ad:be ef\n00', 'hex');
    assert.deepEqual(frames.map((frame) => frame.toString('hex')), ['deadbeef', '00']);
  });

  it('names the bad hex character and its position', async () => {
    await assert.rejects(composeFrames('00\n0g', 'hex'), /Frame 2 is not hex: "g" at position 2/);
    await assert.rejects(composeFrames('abc', 'hex'), /odd number of hex digits \(3\)/);
  });

  it('takes a JSON array: strings as text, other values as their JSON', async () => {
    assert.deepEqual(texts(await composeFrames('["t", {"a": 1}, 2]', 'json')), ['t', '{"a":1}', '2']);
    await assert.rejects(composeFrames('{"a": 1}', 'json'), /must be an array/);
    await assert.rejects(composeFrames('[1,', 'json'), /does not parse/);
  });

  it('reads one file per line as a frame each, and names a missing file', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'compose-'));
    try {
      const file = path.join(dir, 'frame.bin');
      await fs.writeFile(file, Buffer.from([1, 2, 3]));
      const frames = await composeFrames(`${file}\n${file}`, 'file');
      assert.deepEqual(frames.map((frame) => [...frame]), [[1, 2, 3], [1, 2, 3]]);
      await assert.rejects(composeFrames(path.join(dir, 'missing'), 'file'), /Cannot read .*missing \(line 1\): ENOENT/);
      await assert.rejects(composeFrames(dir, 'file'), /is not a file/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses too many frames and unknown formats', async () => {
    await assert.rejects(composeFrames('x\n'.repeat(MAX_COMPOSED_FRAMES + 1), 'text'), /at most 256/);
    await assert.rejects(composeFrames('x', 'yaml' as never), /format "yaml" is unknown/);
  });
});
