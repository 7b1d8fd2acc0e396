import { strict as assert } from 'node:assert';
import { commandNotes, greetingNotes, headerNotes } from '../../extension/inspector/annotate';
import { greeting, ping, ready, subscribe } from './fixtures';

const hexOf = (hex: string) => Uint8Array.from(hex.split(/\s+/).filter(Boolean).map((pair) => Number.parseInt(pair, 16)));

describe('Byte annotations', () => {
  it('explains flag bits and a short size (test vector M2, second frame)', () => {
    const { notes, length } = headerNotes(0x00, 5, '3.1');
    assert.equal(length, 2);
    assert.deepEqual(notes.map((n) => [n.offset, n.hex, n.label]), [[0, '00', 'flags'], [1, '05', 'size']]);
    assert.match(notes[0].meaning, /MORE=0: last frame.*LONG=0.*COMMAND=0/);
  });

  it('explains a long size as 8 big-endian bytes (test vector M3)', () => {
    const { notes, length } = headerNotes(0x02, 300, '3.1');
    assert.equal(length, 9);
    assert.equal(notes[1].hex, '00 00 00 00 00 00 01 2c');
    assert.match(notes[0].meaning, /LONG=1/);
  });

  it('flags reserved bits that are set', () => {
    assert.match(headerNotes(0x84, 1, '3.1').notes[0].meaning, /reserved.*0x80/);
  });

  it('explains ZMTP 1.0 framing, where the length counts the flags byte (test vector Z1)', () => {
    const { notes } = headerNotes(0x00, 5, '1.0');
    assert.deepEqual(notes.map((n) => n.hex), ['06', '00']);
    assert.match(notes[0].meaning, /body size \+ 1/);
  });

  it('walks READY metadata byte by byte (test vector R1)', () => {
    const event = ready('REQ', '');
    const r1 = hexOf('05 52 45 41 44 59 0b 53 6f 63 6b 65 74 2d 54 79 70 65 00 00 00 03 52 45 51 08 49 64 65 6e 74 69 74 79 00 00 00 00');
    assert.deepEqual([...event.body], [...r1], 'the fixture builds the wire bytes of R1');
    const notes = commandNotes(event, 2);
    assert.deepEqual(
      notes.map((n) => [n.offset, n.label]),
      [
        [2, 'name length'],
        [3, 'command name'],
        [8, 'property name length'],
        [9, 'property name'],
        [20, 'value length'],
        [24, 'Socket-Type value'],
        [27, 'property name length'],
        [28, 'property name'],
        [36, 'value length'],
        [40, 'Identity value'],
      ],
    );
    assert.equal(notes[4].hex, '00 00 00 03');
    assert.equal(notes[5].meaning, 'REQ');
    assert.equal(notes[9].meaning, 'empty');
  });

  it('explains PING TTL in deciseconds and SUBSCRIBE topics (test vectors P1, S1)', () => {
    const pingNotes = commandNotes(ping(100), 2);
    assert.equal(pingNotes[2].label, 'TTL');
    assert.equal(pingNotes[2].hex, '00 64');
    assert.match(pingNotes[2].meaning, /100 deciseconds \(10\.0 s\)/);
    const subscribeNotes = commandNotes(subscribe('10001'), 2);
    assert.deepEqual(subscribeNotes.map((n) => n.label), ['name length', 'command name', 'topic']);
    assert.equal(subscribeNotes[2].hex, '31 30 30 30 31');
  });

  it('rebuilds a 64-byte greeting, saying what it could not know', () => {
    const notes = greetingNotes(greeting('3.1', 'NULL'));
    assert.deepEqual(notes.map((n) => n.offset), [0, 1, 9, 10, 11, 12, 32, 33]);
    assert.match(notes[1].meaning, /not kept/);
    assert.equal(notes[5].hex.slice(0, 11), '4e 55 4c 4c');
  });
});
