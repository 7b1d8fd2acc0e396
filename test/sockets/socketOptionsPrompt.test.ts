// New Socket…'s options step answered by a script instead of VS Code's quick picks and input
// boxes: what it offers for each type, what the boxes refuse as typed, and that what it builds
// opens real sockets that talk to each other through their sniffers.
import { strict as assert } from 'node:assert';
import * as zmq from 'zeromq';
import { clientKeysProblem, CREATE_NOW, CREATE_WITH_OPTIONS, MAX_PLAIN_USERS, optionChoices, promptSocketOptions, type InputRequest, type OptionsAsker, type PickItem } from '../../extension/sockets/socketOptionsPrompt';
import type { UserSocketType } from '../../extension/sockets/socketTypes';
import { endpointOf, eventually, roundTrip, userSocketsFixture, type UserSocketsFixture } from './fixture';

interface Asked {
  title: string;
  /** A quick pick's labels; undefined for an input box. */
  offered?: string[];
  /** An input box's password flag. */
  password?: boolean;
}

/**
 * Answers each quick pick with the item labelled as the next answer and each input box with the
 * next answer (undefined: Escape). An answer the box would refuse, a label not offered, or running
 * out of answers fails the test.
 */
class ScriptedAsker implements OptionsAsker {
  readonly asked: Asked[] = [];
  private next = 0;

  constructor(private readonly answers: (string | undefined)[]) {}

  async pick<T extends PickItem>(title: string, _placeHolder: string, items: T[]): Promise<T | undefined> {
    const offered = items.map((item) => item.label);
    this.asked.push({ title, offered });
    const answer = this.answer(title);
    if (answer === undefined) return undefined;
    const item = items.find((candidate) => candidate.label === answer);
    if (!item) throw new Error(`"${answer}" is not offered at "${title}": ${offered.join(' | ')}`);
    return item;
  }

  async input(request: InputRequest): Promise<string | undefined> {
    this.asked.push({ title: request.title, password: request.password ?? false });
    const answer = this.answer(request.title);
    if (answer === undefined) return undefined;
    const problem = request.validate(answer);
    if (problem !== undefined) throw new Error(`the box "${request.title}" refuses ${JSON.stringify(answer)}: ${problem}`);
    return answer;
  }

  /** The next scripted answer; `title` names the step the script ran out at. */
  private answer(title: string): string | undefined {
    if (this.next >= this.answers.length) throw new Error(`the script has no answer for "${title}"`);
    return this.answers[this.next++];
  }

  get finished(): boolean {
    return this.next === this.answers.length;
  }
}

/** Runs the options step for `type` with `answers`, checking every answer was used. */
async function prompt(type: UserSocketType, answers: (string | undefined)[]) {
  const asker = new ScriptedAsker(answers);
  const prompted = await promptSocketOptions(type, asker);
  assert.ok(asker.finished, 'the script was answered to the end');
  return { prompted, asker };
}

/** The validation message an input box shows for `text`, reached by answering `answers` first. */
async function refusalOf(type: UserSocketType, answers: string[], boxTitle: string, text: string): Promise<string | undefined> {
  let seen: InputRequest | undefined;
  const asker = new ScriptedAsker(answers);
  const input = asker.input.bind(asker);
  asker.input = async (request) => {
    if (request.title !== boxTitle) return input(request);
    seen = request;
    return undefined;
  };
  await promptSocketOptions(type, asker);
  assert.ok(seen, `the box "${boxTitle}" was shown`);
  return seen.validate(text);
}

const labels = (type: UserSocketType) => optionChoices(type, {}).map((choice) => choice.label);

describe('New Socket… options step', function () {
  this.timeout(20_000);
  let fixture: UserSocketsFixture;

  beforeEach(() => (fixture = userSocketsFixture()));
  afterEach(() => fixture.close());

  it('offers "No options (create now)" first, then only the options that apply to the type', async () => {
    assert.deepEqual(labels('REQ'), ['Routing id', 'Relaxed REQ', 'Heartbeats', 'PLAIN client', 'PLAIN server', 'CURVE client', 'CURVE server']);
    assert.deepEqual(labels('ROUTER'), ['Routing id', 'Heartbeats', 'PLAIN client', 'PLAIN server', 'CURVE client', 'CURVE server']);
    assert.deepEqual(labels('PUB'), ['Heartbeats', 'PLAIN client', 'PLAIN server', 'CURVE client', 'CURVE server']);
    const { prompted, asker } = await prompt('PUB', [CREATE_NOW]);
    assert.deepEqual(prompted, { options: {} });
    assert.deepEqual(asker.asked[0].offered, [CREATE_NOW, ...labels('PUB')]);
    assert.deepEqual((await prompt('REQ', ['Relaxed REQ', CREATE_WITH_OPTIONS])).prompted, { options: { relaxed: true } }, 'relaxed needs no further answer');
  });

  it("keeps a SUB's subscriptions, and stops offering an option once it is set (one security mechanism in all)", async () => {
    const asker = new ScriptedAsker(['PLAIN client', 'admin', 'pw', 'Heartbeats', '500', '1500', CREATE_WITH_OPTIONS]);
    const prompted = await promptSocketOptions('SUB', asker, { subscriptions: ['news'] });
    assert.deepEqual(prompted?.options, { subscriptions: ['news'], plain: { username: 'admin', password: 'pw' }, heartbeatIntervalMs: 500, heartbeatTimeoutMs: 1500 });
    const picks = asker.asked.filter((asked) => asked.offered);
    assert.deepEqual(picks.map((asked) => asked.offered), [
      [CREATE_NOW, 'Heartbeats', 'PLAIN client', 'PLAIN server', 'CURVE client', 'CURVE server'],
      [CREATE_WITH_OPTIONS, 'Heartbeats'],
      [CREATE_WITH_OPTIONS],
    ]);
  });

  it('hides what is typed in password and secret key boxes, and only there', async () => {
    const server = zmq.curveKeyPair();
    const own = zmq.curveKeyPair();
    const { asker } = await prompt('DEALER', ['CURVE client', server.publicKey, 'A key pair I enter', own.publicKey, own.secretKey, CREATE_WITH_OPTIONS]);
    const boxes = asker.asked.filter((asked) => !asked.offered);
    assert.deepEqual(boxes.map((box) => [box.title, box.password]), [['CURVE client', false], ['CURVE client: own key pair (1/2)', false], ['CURVE client: own key pair (2/2)', true]]);
    const plain = await prompt('DEALER', ['PLAIN client', 'admin', 'pw', CREATE_WITH_OPTIONS]);
    assert.deepEqual(plain.asker.asked.filter((asked) => !asked.offered).map((box) => box.password), [false, true]);
  });

  it('refuses as typed what the socket would refuse, saying what was wrong', async () => {
    assert.equal(await refusalOf('DEALER', ['Routing id'], 'Routing id', ''), 'A routing id is 1 to 255 bytes.');
    assert.equal(await refusalOf('DEALER', ['Routing id'], 'Routing id', 'é'.repeat(128)), 'A routing id is 1 to 255 bytes.');
    assert.equal(await refusalOf('DEALER', ['Routing id'], 'Routing id', 'composer'), undefined);
    assert.equal(await refusalOf('PUSH', ['Heartbeats'], 'Heartbeats (1/2)', '5'), 'The interval must be a whole number of milliseconds from 10 to 3600000 (an hour), not 5.');
    assert.equal(await refusalOf('PUSH', ['Heartbeats'], 'Heartbeats (1/2)', '1.5'), 'The interval must be a whole number of milliseconds from 10 to 3600000 (an hour), not "1.5".');
    assert.equal(await refusalOf('PUSH', ['Heartbeats', '1000'], 'Heartbeats (2/2)', '3600001'), 'The timeout must be a whole number of milliseconds from 10 to 3600000 (an hour), not 3600001.');
    assert.equal(await refusalOf('PUSH', ['Heartbeats'], 'Heartbeats (1/2)', ' 250 '), undefined);
    assert.equal(await refusalOf('REQ', ['PLAIN client'], 'PLAIN client: username', ''), 'A PLAIN username is 1 to 255 bytes.');
    assert.equal(await refusalOf('REQ', ['PLAIN client', 'admin'], 'PLAIN client: password for "admin"', 'x'.repeat(256)), 'A PLAIN password is 1 to 255 bytes.');
    assert.match((await refusalOf('REQ', ['CURVE client'], 'CURVE client', 'short')) ?? '', /^The server's public key must be a CURVE key in Z85: 40 characters \(not 5\)/);
    assert.match((await refusalOf('REQ', ['CURVE client'], 'CURVE client', `${'a'.repeat(39)}~`)) ?? '', /\("~" is not a Z85 character\)/);
    const key = zmq.curveKeyPair().publicKey;
    assert.equal(clientKeysProblem(`${key}, ${key}\n${key}`), undefined);
    assert.match(clientKeysProblem(`${key} ${key.slice(2)}`) ?? '', /^Client key 2 must be a CURVE key in Z85: 40 characters \(not 38\)/);
    assert.match(clientKeysProblem(' , ') ?? '', /at least one client public key/);
  });

  it('Escape in any box cancels New Socket…', async () => {
    assert.equal((await prompt('REQ', [undefined])).prompted, undefined);
    assert.equal((await prompt('REQ', ['PLAIN client', 'admin', undefined])).prompted, undefined);
    assert.equal((await prompt('REQ', ['PLAIN server', 'Accept only the users I enter', 'admin', 'pw', undefined])).prompted, undefined);
  });

  it('a PLAIN server and clients built by the prompt talk through their sniffers, and a wrong password is refused', async () => {
    const server = await prompt('REP', ['PLAIN server', 'Accept only the users I enter', 'admin', 's3cret', 'Add another user', 'guest', 'guest-pw', 'Done', CREATE_WITH_OPTIONS]);
    assert.deepEqual(server.prompted?.options, { plain: { server: true, users: [{ username: 'admin', password: 's3cret' }, { username: 'guest', password: 'guest-pw' }] } });
    const { sockets } = fixture;
    const rep = await sockets.create({ type: 'REP', bind: 'tcp://127.0.0.1:0', options: server.prompted?.options });
    const guest = await prompt('REQ', ['PLAIN client', 'guest', 'guest-pw', CREATE_WITH_OPTIONS]);
    await roundTrip(sockets, await sockets.create({ type: 'REQ', connect: endpointOf(rep), options: guest.prompted?.options }), rep);
    const intruder = await prompt('REQ', ['PLAIN client', 'admin', 'guess', CREATE_WITH_OPTIONS]);
    const refused = await sockets.create({ type: 'REQ', connect: endpointOf(rep), options: intruder.prompted?.options });
    await assert.rejects(sockets.send(refused.id, [Buffer.from('let me in')]), /the peer refused this REQ's credentials/);
  });

  it(`a PLAIN server's user list ends after ${MAX_PLAIN_USERS} users without asking for more`, async () => {
    const answers = ['PLAIN server', 'Accept only the users I enter'];
    for (let user = 1; user <= MAX_PLAIN_USERS; user += 1) answers.push(`user${user}`, 'pw', ...(user < MAX_PLAIN_USERS ? ['Add another user'] : []));
    const { prompted } = await prompt('ROUTER', [...answers, CREATE_WITH_OPTIONS]);
    const plain = prompted?.options.plain;
    assert.ok(plain && 'server' in plain);
    assert.equal(plain.users?.length, MAX_PLAIN_USERS);
  });

  it('a CURVE server with a generated key pair hands out its public key, and a client given that key gets through', async () => {
    const { prompted } = await prompt('REP', ['CURVE server', 'Generate a new key pair', 'Accept any client', CREATE_WITH_OPTIONS]);
    const publicKey = prompted?.generatedServerKey;
    assert.ok(publicKey && publicKey.length === 40, 'a Z85 public key to show');
    const curve = prompted?.options.curve;
    assert.ok(curve && 'server' in curve);
    assert.notEqual(curve.secretKey, publicKey, 'the key shown is not the secret one');
    const { sockets } = fixture;
    const rep = await sockets.create({ type: 'REP', bind: 'tcp://127.0.0.1:0', options: prompted?.options });
    const client = await prompt('REQ', ['CURVE client', publicKey, 'A fresh key pair of its own', CREATE_WITH_OPTIONS]);
    await roundTrip(sockets, await sockets.create({ type: 'REQ', connect: endpointOf(rep), options: client.prompted?.options }), rep);
  });

  it('a CURVE server listing client keys typed in one box lets that client in and refuses a fresh one', async () => {
    const serverKeys = zmq.curveKeyPair();
    const known = zmq.curveKeyPair();
    const { prompted } = await prompt('REP', ['CURVE server', 'Enter the secret key I have', serverKeys.secretKey, 'Accept only the client public keys I enter', `${known.publicKey}, ${zmq.curveKeyPair().publicKey}`, CREATE_WITH_OPTIONS]);
    assert.equal(prompted?.generatedServerKey, undefined, 'nothing generated, nothing to show');
    const { sockets } = fixture;
    const rep = await sockets.create({ type: 'REP', bind: 'tcp://127.0.0.1:0', options: prompted?.options });
    const listed = await prompt('REQ', ['CURVE client', serverKeys.publicKey, 'A key pair I enter', known.publicKey, known.secretKey, CREATE_WITH_OPTIONS]);
    await roundTrip(sockets, await sockets.create({ type: 'REQ', connect: endpointOf(rep), options: listed.prompted?.options }), rep);
    const stranger = await prompt('REQ', ['CURVE client', serverKeys.publicKey, 'A fresh key pair of its own', CREATE_WITH_OPTIONS]);
    const refused = await sockets.create({ type: 'REQ', connect: endpointOf(rep), options: stranger.prompted?.options });
    await assert.rejects(sockets.send(refused.id, [Buffer.from('knock')]), /the peer refused this REQ's credentials/);
  });

  it('a routing id and heartbeats from the prompt reach the wire: the ROUTER sees the name, the sniffer the PINGs', async () => {
    const router = fixture.peer(new zmq.Router({ linger: 0, receiveTimeout: 5000 }));
    await router.bind('tcp://127.0.0.1:*');
    const { prompted } = await prompt('DEALER', ['Routing id', 'composer', 'Heartbeats', '100', '2000', CREATE_WITH_OPTIONS]);
    const { sockets } = fixture;
    const dealer = await sockets.create({ type: 'DEALER', connect: router.lastEndpoint as string, options: prompted?.options });
    await sockets.send(dealer.id, [Buffer.from('hello')]);
    const [identity, body] = await router.receive();
    assert.deepEqual([String(identity), String(body)], ['composer', 'hello']);
    await eventually('a PING through the sniffer', () => fixture.events.find((event) => event.type === 'zmtp' && event.event.kind === 'command' && event.event.name === 'PING'));
  });
});
