import { strict as assert } from 'node:assert';
import { previewBytes } from '../../extension/zmtp/preview';

describe('previewBytes', () => {
  it('shows printable UTF-8 as text and anything else as hex', () => {
    assert.deepStrictEqual(previewBytes(Buffer.from('Hello, wörld\n'), 100), { text: 'Hello, wörld\n' });
    assert.deepStrictEqual(previewBytes(new Uint8Array([0, 1, 0xff]), 100), { hex: '0001ff' });
    assert.deepStrictEqual(previewBytes(Buffer.from('bell\u0007'), 100), { hex: '62656c6c07' });
    assert.deepStrictEqual(previewBytes(new Uint8Array(0), 100), { text: '' });
  });

  it('looks at no more than maxBytes, keeping text whole when the cut splits a character', () => {
    assert.deepStrictEqual(previewBytes(Buffer.from('abcdef'), 3), { text: 'abc' });
    assert.deepStrictEqual(previewBytes(Buffer.from('aé'), 2), { text: 'a' }, 'é is two bytes; the cut leaves its first');
    assert.deepStrictEqual(previewBytes(Buffer.from('a€b'), 3), { text: 'a' });
    assert.deepStrictEqual(previewBytes(Buffer.from([0xff, 0xfe, 0xfd, 0xfc]), 2), { hex: 'fffe' });
    assert.deepStrictEqual(previewBytes(Buffer.from('abc'), 0), { text: '' });
  });

  it('refuses a maxBytes that is not a whole number', () => {
    assert.throws(() => previewBytes(Buffer.from('a'), -1), { name: 'RangeError', message: /maxBytes must be a whole number of bytes >= 0, got -1/ });
    assert.throws(() => previewBytes(Buffer.from('a'), 1.5), RangeError);
  });
});
