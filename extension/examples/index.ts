// The catalogue of runnable examples, shared by the CLI and the VS Code commands.
import { startHello, type HelloOptions } from './hello';
import { startPipeline, type PipelineOptions } from './pipeline';
import { startPubSub, type PubSubOptions } from './pubsub';
import type { RunningExample } from './session';

export type ExampleId = 'hello' | 'pipeline' | 'pubsub';
export type ExampleOptions = HelloOptions & PipelineOptions & PubSubOptions;

export interface ExampleInfo {
  id: ExampleId;
  title: string;
  pattern: string;
  start(options: ExampleOptions): Promise<RunningExample>;
}

export const examples: readonly ExampleInfo[] = [
  { id: 'hello', title: 'Hello World', pattern: 'REQ/REP', start: startHello },
  { id: 'pipeline', title: 'Pipeline', pattern: 'Manager/Workers/Sink', start: startPipeline },
  { id: 'pubsub', title: 'Publish/Subscribe', pattern: 'PUB/SUB', start: startPubSub },
];

export const findExample = (id: string): ExampleInfo | undefined => examples.find((example) => example.id === id);

export type { RunningExample, ExampleOutcome, ExampleHooks, SnifferSource } from './session';
