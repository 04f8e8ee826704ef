/** ONNX Runtime inference of Quality Sentinel models: model cards, sessions with provider fallback, the worker. */
export {
  EMBEDDING_DIM,
  EMBEDDING_SET,
  IMAGE_CHANNELS,
  loadModelCard,
  modelCardPath,
  parseModelCard,
  type CalibrationTable,
  type ModelCard,
  type TensorSpec,
} from './model-card';
export { calibrateInPlace, calibrateValue } from './calibration';
export {
  EXECUTION_PROVIDERS,
  describeProviderChoice,
  isExecutionProvider,
  providerOrder,
  type ExecutionProvider,
  type ProviderAttempt,
} from './providers';
export { readVerifiedModel, sha256Hex, type VerifiedModel } from './model-file';
export {
  DEFAULT_BATCH_SIZE,
  createSession,
  openOrtSession,
  ortSessionOptions,
  type CreateSessionOptions,
  type OpenOrtSession,
  type SentinelSession,
  type SessionInfo,
} from './session';
export { InferenceClient, type InferenceClientOptions } from './client';
export { defaultWorkerScript, type WorkerScript } from './worker-script';
export type { StartOptions } from './worker-protocol';
