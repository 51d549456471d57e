export { startFaultServer, mulberry32 } from './testing/fault-server';
export type {
  FaultServer,
  FaultServerOptions,
  FaultRule,
  ServerFault,
  ServerFaultKind,
  RequestLogEntry,
} from './testing/fault-server';
