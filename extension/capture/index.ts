// Captures: save, open and share ZeroMQ traffic (JSON Lines, pcap, pcapng), and passive live
// capture through tcpdump or dumpcap. Free of `vscode`; the commands wire these in a few lines:
//
//   Open Capture…:  await readCapture(path, { onEvent: (event, source) => store.ingest(source, event) })
//   Save Capture…:  await writeCaptureFile(path, buffer.snapshot())   (buffer: a CaptureBuffer fed by SnifferRecorders)
//   Capture Port…:  const capture = await startPortCapture({ port, onEvent: (event, source) => store.ingest(source, event) })
export type { CaptureRecord, CaptureRecordSink, CaptureSource } from './records';
export { CaptureFileError, LiveCaptureError } from './errors';
export { readCapture, readCaptureStream, type CaptureReadResult, type ReadCaptureOptions } from './readCapture';
export type { CaptureFormat } from './captureInput';
export { CaptureReplayer, type CaptureEventListener } from './replay';
export { CaptureFileWriter, saveFormatFor, SAVE_EXTENSIONS, writeCaptureFile, type SaveFormat } from './captureFile';
export { JsonlCaptureWriter } from './jsonlWriter';
export { PcapngCaptureWriter } from './pcapngWriter';
export { CaptureBuffer, SnifferRecorder } from './recorder';
export { startPortCapture, type CaptureTool, type PortCapture, type PortCaptureOptions } from './liveCapture';
export type { PacketImportStats } from './packetImporter';
