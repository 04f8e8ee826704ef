/**
 * Checks that a loaded ONNX graph has the contract's signature at the card's input size:
 * `image` float32 [N, 2, S, S], `embedding` float32 [N, 512] -> `<output.name>` float32 [N, 1].
 * A model exported with another size, a fixed batch or renamed tensors fails here, before any slice is scored.
 */
import type * as ort from 'onnxruntime-node';
import { SentinelError } from '../errors';
import { EMBEDDING_DIM, IMAGE_CHANNELS, shapeProblem, type ModelCard } from './model-card';

/** The part of an ORT session this check reads. */
export interface GraphSignature {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ort.InferenceSession.ValueMetadata[];
  readonly outputMetadata: readonly ort.InferenceSession.ValueMetadata[];
}

export function checkGraphSignature(graph: GraphSignature, card: ModelCard, modelPath: string): void {
  const s = card.input.size;
  const fail = (msg: string): never => {
    throw new SentinelError('model', `the model does not match its card: ${msg}`, modelPath);
  };
  const sameNames = (got: readonly string[], want: string[]): boolean =>
    got.length === want.length && want.every((n) => got.includes(n));

  if (!sameNames(graph.inputNames, ['image', 'embedding'])) {
    fail(`inputs are [${graph.inputNames.join(', ')}]; expected [image, embedding]`);
  }
  if (!sameNames(graph.outputNames, [card.output.name])) {
    fail(`outputs are [${graph.outputNames.join(', ')}]; expected [${card.output.name}]`);
  }
  const check = (list: readonly ort.InferenceSession.ValueMetadata[], name: string, rest: number[]): void => {
    const m = list.find((v) => v.name === name);
    if (!m) return fail(`no metadata for "${name}"`);
    if (!m.isTensor) return fail(`"${name}" is not a tensor`);
    if (m.type !== 'float32') return fail(`"${name}" is ${m.type}; expected float32`);
    const bad = shapeProblem(m.shape, rest);
    if (bad) fail(`"${name}" ${bad}`);
  };
  check(graph.inputMetadata, 'image', [IMAGE_CHANNELS, s, s]);
  check(graph.inputMetadata, 'embedding', [EMBEDDING_DIM]);
  check(graph.outputMetadata, card.output.name, [1]);
}
