// The diagnostics module's public face, for the CLI, the inspector and the tree view.
export { Diagnostician, type DiagnosticianOptions } from './diagnostician';
export { systemClock, type Clock } from './clock';
export type { ChangeListener } from './diagnosticList';
export { tallyBySniffer, type SnifferTally } from './tally';
export { DEFAULT_SETTINGS, RULES, type Diagnostic, type DiagnosticRef, type DiagnosticSettings, type DiagnosticSource, type HostSocketEvent, type RuleId, type RuleInfo, type Severity } from './types';
