/**
 * Reads a model and its card and checks they belong together: the card names this file and its sha256 matches
 * the bytes. The bytes are read once and handed to ONNX Runtime, so the checked bytes are the ones that run.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { SentinelError } from '../errors';
import { checkCardNamesModel, loadModelCard, modelCardPath, type ModelCard } from './model-card';

export interface VerifiedModel {
  modelPath: string;
  cardPath: string;
  card: ModelCard;
  bytes: Uint8Array;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function readVerifiedModel(modelPath: string): Promise<VerifiedModel> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(modelPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'model file not found' : `model file unreadable (${code ?? String(err)})`;
    throw new SentinelError(
      'model',
      `${why}; check the model path in the settings, or reinstall the app to restore its default model`,
      modelPath,
      { cause: err },
    );
  }
  const cardPath = modelCardPath(modelPath);
  const card = await loadModelCard(cardPath);
  checkCardNamesModel(card, cardPath, modelPath);
  const sha = sha256Hex(bytes);
  if (sha !== card.onnx.sha256) {
    throw new SentinelError(
      'model',
      `sha256 ${sha} differs from ${card.onnx.sha256} in ${card.onnx.file.replace(/\.onnx$/, '.card.json')}: ` +
        'the file is damaged or is not the model its card describes; restore it or re-export it with its card',
      modelPath,
    );
  }
  return { modelPath, cardPath, card, bytes };
}
