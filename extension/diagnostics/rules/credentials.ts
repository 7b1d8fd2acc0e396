// Rule 10: PLAIN sends the username and the password in clear text (reference §3.2).
import type { Rule, RuleContext } from './context';

export function credentialRules(context: RuleContext): Rule {
  return {
    onCommand(c, dir, event, time) {
      // CURVE's HELLO carries no username; PLAIN's always does.
      if (event.name !== 'HELLO' || event.username === undefined) return;
      const message =
        `${c.side(dir)} logged in with PLAIN as "${event.username}": PLAIN sends the username and the password in clear text, ` +
        'so anyone who can see this traffic can read them (this capture masks the password unless asked to reveal it). ' +
        'Use CURVE instead (curveServer and curveSecretKey on the server, curveServerKey and a key pair on each client), ' +
        'or keep PLAIN to ipc:// and loopback, or inside an encrypted tunnel.';
      context.report({ rule: 'plain-credentials', cause: `${c.source.id}:${event.username}`, severity: 'warning', message, time, refs: [c.ref(time, dir, event.offset)], sniffer: c.source.id });
    },
  };
}
