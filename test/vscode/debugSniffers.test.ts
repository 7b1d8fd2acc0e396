// The checks on debug-session sniffer declarations (settings and launch configurations), in plain
// Node: every refused entry is named with what is wrong, and the good ones still come through.
import { strict as assert } from 'node:assert';
import { declarationKey, MAX_DEBUG_SNIFFERS, parseLaunchBlock, parseSnifferList } from '../../extension/vscode/debugSniffers';

const good = { name: 'api', listen: 'tcp://127.0.0.1:5556', target: 'tcp://127.0.0.1:5555' };

describe('debug-session sniffer declarations', () => {
  it('takes well-formed entries, trimmed, and nothing from an absent list', () => {
    assert.deepEqual(parseSnifferList(undefined, 'zmqInspector.sniffers', '127.0.0.1'), { sniffers: [], problems: [] });
    const { sniffers, problems } = parseSnifferList([{ name: ' api ', listen: ' 5556 ', target: 'ipc:///tmp/app.ipc' }], 'zmqInspector.sniffers', '127.0.0.1');
    assert.deepEqual(problems, []);
    assert.deepEqual(sniffers, [{ name: 'api', listen: '5556', target: 'ipc:///tmp/app.ipc' }]);
  });

  it('names each bad entry with its index and name and says what is wrong; the rest still start', () => {
    const { sniffers, problems } = parseSnifferList(
      [good, { name: 'no port', listen: '5557', target: 'tcp://127.0.0.1' }, 'tcp://127.0.0.1:5555', { name: 'typo', listen: '5558', target: 'tcp://127.0.0.1:5555', taget: 'x' }, { listen: '5559' }],
      'zmqInspector.sniffers',
      '127.0.0.1',
    );
    assert.deepEqual(sniffers, [good]);
    assert.equal(problems.length, 4);
    assert.match(problems[0], /^zmqInspector\.sniffers\[1\] "no port" The target endpoint "tcp:\/\/127\.0\.0\.1" has no port; write it like tcp:\/\/127\.0\.0\.1:5555\.$/);
    assert.match(problems[1], /^zmqInspector\.sniffers\[2\] is "tcp:\/\/127\.0\.0\.1:5555"; each sniffer is an object like \{ "name"/);
    assert.match(problems[2], /^zmqInspector\.sniffers\[3\] "typo" has "taget", which a sniffer does not take/);
    assert.match(problems[3], /^zmqInspector\.sniffers\[4\] needs "name" as a non-empty string/);
  });

  it('refuses a list that is not a list, and starts at most MAX_DEBUG_SNIFFERS', () => {
    assert.match(parseSnifferList({ good }, 'zmqInspector.sniffers', '127.0.0.1').problems[0], /^zmqInspector\.sniffers must be a list of sniffers/);
    const many = Array.from({ length: MAX_DEBUG_SNIFFERS + 3 }, (_, index) => ({ ...good, name: `s${index}` }));
    const { sniffers, problems } = parseSnifferList(many, 'zmqInspector.sniffers', '127.0.0.1');
    assert.equal(sniffers.length, MAX_DEBUG_SNIFFERS);
    assert.deepEqual(problems, [`zmqInspector.sniffers lists ${MAX_DEBUG_SNIFFERS + 3} sniffers; only the first ${MAX_DEBUG_SNIFFERS} start. Split them over launch configurations.`]);
  });

  it("reads a launch configuration's block: sniffers, openInspector, and what it does not take", () => {
    assert.equal(parseLaunchBlock(undefined, 'App', '127.0.0.1'), undefined);
    assert.deepEqual(parseLaunchBlock({ sniffers: [good] }, 'App', '127.0.0.1'), { sniffers: [good], problems: [], openInspector: true });
    assert.equal(parseLaunchBlock({ sniffers: [good], openInspector: false }, 'App', '127.0.0.1')?.openInspector, false);
    const odd = parseLaunchBlock({ sniffers: [{ ...good, listen: 'inproc://x' }], openInspector: 'yes', snifers: [] }, 'App', '127.0.0.1');
    assert.deepEqual(odd?.sniffers, []);
    assert.equal(odd?.problems.length, 3);
    assert.match(odd?.problems[0] ?? '', /^launch configuration "App" zmqInspector has "snifers", which it does not take/);
    assert.match(odd?.problems[1] ?? '', /^launch configuration "App" zmqInspector\.openInspector must be true or false, not "yes"\.$/);
    assert.match(odd?.problems[2] ?? '', /^launch configuration "App" zmqInspector\.sniffers\[0\] "api" "inproc:\/\/x" cannot be sniffed/);
    assert.match(parseLaunchBlock([good], 'App', '127.0.0.1')?.problems[0] ?? '', /^launch configuration "App" zmqInspector must be an object/);
  });

  it('gives identical declarations one key and different ones different keys', () => {
    assert.equal(declarationKey(good), declarationKey({ ...good }));
    assert.notEqual(declarationKey(good), declarationKey({ ...good, name: 'other' }));
    assert.notEqual(declarationKey(good), declarationKey({ ...good, listen: '5557' }));
  });
});
