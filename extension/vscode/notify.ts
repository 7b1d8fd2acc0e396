// Notifications for the user, each also written to the log. Messages say what went wrong and what
// to do next; buttons offer that next step. Nothing here waits for the user to click, so a command
// that reports a problem still returns at once.
import * as vscode from 'vscode';
import { EndpointError } from '../sniffer/endpoint';
import { RelayError } from '../sniffer/relayErrors';
import { CommandArgumentError } from './commandArgs';

export interface NotificationAction {
  title: string;
  run(): unknown;
}

/** Errors whose message already tells the user what to do; anything else is a bug or a surprise. */
const isExplained = (error: unknown): error is Error => error instanceof EndpointError || error instanceof RelayError || error instanceof CommandArgumentError;

export class Notifier {
  constructor(private readonly log: vscode.LogOutputChannel) {}

  error(what: string, error: unknown, actions: NotificationAction[] = []): void {
    const reason = error instanceof Error ? error.message : String(error);
    if (isExplained(error)) {
      this.log.error(`${what}: ${reason}`);
      this.show('error', `${what}: ${reason}`, actions);
      return;
    }
    this.log.error(`${what}: ${error instanceof Error ? (error.stack ?? reason) : reason}`);
    this.show('error', `${what}: ${reason}. The ZeroMQ Inspector log has the details; if it keeps happening, report it with that log.`, actions);
  }

  warn(message: string, actions: NotificationAction[] = []): void {
    this.log.warn(message);
    this.show('warning', message, actions);
  }

  info(message: string, actions: NotificationAction[] = []): void {
    this.log.info(message);
    this.show('info', message, actions);
  }

  private show(level: 'error' | 'warning' | 'info', message: string, actions: NotificationAction[]): void {
    const all = [...actions, { title: 'Show Log', run: () => this.log.show(true) }];
    const show = level === 'error' ? vscode.window.showErrorMessage : level === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void Promise.resolve(show(message, ...all.map((action) => action.title))).then(
      (title) => all.find((action) => action.title === title)?.run(),
      () => undefined,
    );
  }
}
