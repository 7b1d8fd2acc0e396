// PLAIN HELLO (RFC 24): ulen(1) username plen(1) password, in clear text on the wire.
import type { CommandEvent } from './types';
import { addProblem } from './problems';
import { printableText } from './text';
import { asciiOrEscaped } from './bytes';

export const PASSWORD_MASK = '••••••';

function readableString(bytes: Uint8Array): string {
  return printableText(bytes) ?? asciiOrEscaped(bytes);
}

/**
 * Fills username/password. Unless passwords are revealed, `event.body` becomes a copy with the
 * password bytes replaced by '*', so that hex dumps of the frame do not show it either.
 */
export function decodePlainHello(event: CommandEvent, dataAt: number, reveal: boolean): void {
  const body = event.body;
  const userLengthAt = dataAt;
  if (userLengthAt >= body.length) {
    addProblem(event, 'PLAIN HELLO has no username length byte');
    return;
  }
  const userAt = userLengthAt + 1;
  const passLengthAt = userAt + body[userLengthAt];
  event.username = readableString(body.subarray(userAt, Math.min(passLengthAt, body.length)));
  if (passLengthAt >= body.length) {
    addProblem(event, `PLAIN HELLO is cut short: the ${body[userLengthAt]}-byte username leaves no password length byte`);
    return;
  }
  const passAt = passLengthAt + 1;
  const passEnd = Math.min(passAt + body[passLengthAt], body.length);
  if (passAt + body[passLengthAt] > body.length) {
    addProblem(event, `PLAIN HELLO is cut short: the password should have ${body[passLengthAt]} bytes, ${body.length - passAt} arrived`);
  } else if (passEnd < body.length) {
    addProblem(event, `PLAIN HELLO has ${body.length - passEnd} unexpected bytes after the password`);
  }
  if (reveal) {
    event.password = readableString(body.subarray(passAt, passEnd));
    event.passwordMasked = false;
    return;
  }
  event.password = PASSWORD_MASK;
  event.passwordMasked = true;
  const masked = new Uint8Array(body);
  masked.fill(0x2a, passAt, passEnd);
  event.body = masked;
}
