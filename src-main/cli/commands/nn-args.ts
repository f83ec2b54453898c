/**
 * The network flags of `lathe train` (--layers, --epochs, --backend), their
 * mapping onto the 'mlp' / 'cnn' parameters, and what a trained network adds
 * to the output: the backend that trained it (and why the better ones were
 * not used) and the per-epoch history.
 */
import type { TrainResult } from '../../../src-shared/contract/ml.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import type { AlgoName } from '../../../src-shared/ml/catalog.ts';
import { NN_BACKEND_SETTINGS } from '../../../src-shared/ml/nn.ts';
import type { Params } from '../../../src-shared/ml/params.ts';
import { isNetworkAlgo } from '../../../src-shared/ml/schemas/nn.ts';
import type { CommandArgs, OptionSpec } from '../command.ts';
import { formatTable } from '../table.ts';

export const NETWORK_OPTIONS: Record<string, OptionSpec> = {
  layers: { type: 'string', value: '128,128', description: 'networks: units of the hidden dense layers (mlp), or of the dense layers after the convolutions (cnn)' },
  epochs: { type: 'string', value: 'N', description: 'networks: passes over the training rows' },
  backend: { type: 'string', value: 'NAME', description: `networks: TensorFlow.js backend, one of ${NN_BACKEND_SETTINGS.join(', ')} (default auto: the best present)` },
};

function last(v: CommandArgs['flags'][string]): string | undefined {
  return typeof v === 'string' ? v : Array.isArray(v) ? v.at(-1) : undefined;
}

/** The network flags as parameters (over --param); refused for classical learners. */
export function networkParams(flags: CommandArgs['flags'], algo: AlgoName): Params {
  const layers = last(flags.layers);
  const epochs = last(flags.epochs);
  const backend = last(flags.backend);
  const given = [layers !== undefined && '--layers', epochs !== undefined && '--epochs', backend !== undefined && '--backend'].filter(Boolean);
  if (!isNetworkAlgo(algo)) {
    if (given.length) throw new LatheError('BAD_REQUEST', `${given.join(', ')} ${given.length > 1 ? 'are' : 'is'} for networks (--algo mlp or cnn), not ${algo}.`, { param: String(given[0]) });
    return {};
  }
  const out: Params = {};
  if (layers !== undefined) {
    const units = layers.split(',').map((s) => s.trim());
    if (!units.length || units.some((u) => !/^\d+$/.test(u) || Number(u) < 1)) {
      throw new LatheError('INVALID_PARAM', `--layers must be a comma-separated list of whole numbers ≥ 1 (e.g. 128,128); got "${layers}".`, { param: '--layers' });
    }
    out[algo === 'mlp' ? 'hidden_layer_sizes' : 'dense_units'] = units.map(Number);
  }
  if (epochs !== undefined) {
    if (!/^\d+$/.test(epochs.trim()) || Number(epochs) < 1) throw new LatheError('INVALID_PARAM', `--epochs must be a whole number ≥ 1; got "${epochs}".`, { param: '--epochs' });
    out.epochs = Number(epochs);
  }
  if (backend !== undefined) {
    if (!(NN_BACKEND_SETTINGS as readonly string[]).includes(backend)) {
      throw new LatheError('INVALID_PARAM', `--backend must be one of ${NN_BACKEND_SETTINGS.join(', ')}; got "${backend}".`, { param: '--backend', choices: [...NN_BACKEND_SETTINGS] });
    }
    out.backend = backend;
  }
  return out;
}

/** What --json adds for a network: "backend" and "history". */
export function networkJson(r: TrainResult): Record<string, unknown> {
  const n = r.network;
  if (!n) return {};
  return {
    backend: { used: n.backend.used, requested: n.backend.requested, detail: n.backend.detail, not_used: n.backend.notUsed.map((x) => ({ backend: x.backend, reason: x.reason })) },
    history: n.history.epochs.map((e) => ({
      epoch: e.epoch,
      loss: e.loss,
      ...(e.accuracy !== undefined ? { accuracy: e.accuracy } : {}),
      ...(e.valLoss !== undefined ? { val_loss: e.valLoss } : {}),
      ...(e.valAccuracy !== undefined ? { val_accuracy: e.valAccuracy } : {}),
      seconds: e.seconds,
    })),
    best_epoch: n.history.bestEpoch,
    stopped_early: n.history.stoppedEarly,
    parameters: n.summary.totalParams,
  };
}

const f4 = (x: number | undefined): string => (x === undefined ? '—' : x.toFixed(4));

/** The lines a person reads about a network: backend, layers, epochs. */
export function networkText(r: TrainResult): string[] {
  const n = r.network;
  if (!n) return [];
  const lines = [
    '',
    n.evaluatedOn === 'holdout'
      ? `The stored network is the one trained on the ${n.trainRows} training rows and scored on the held-out rows (no refit).`
      : `The stored network was trained on all ${n.trainRows} rows.`,
    `Backend: ${n.backend.used} (${n.backend.detail}).`,
  ];
  for (const x of n.backend.notUsed) lines.push(`  not ${x.backend}: ${x.reason}`);
  lines.push(
    '',
    formatTable(
      ['layer', 'type', 'output', 'params'],
      n.summary.layers.map((l) => [l.name, l.type, `(${l.outputShape.map((d) => (d === null ? 'None' : String(d))).join(', ')})`, String(l.params)]),
      ['left', 'left', 'left', 'right'],
    ),
    `${n.summary.totalParams.toLocaleString('en')} parameters.`,
    '',
    formatTable(
      ['epoch', 'loss', 'accuracy', 'val loss', 'val accuracy', 'seconds'],
      n.history.epochs.map((e) => [String(e.epoch), f4(e.loss), f4(e.accuracy), f4(e.valLoss), f4(e.valAccuracy), e.seconds.toFixed(2)]),
      ['right', 'right', 'right', 'right', 'right', 'right'],
    ),
  );
  if (n.history.stoppedEarly) lines.push(`Stopped early; kept the weights of epoch ${n.history.bestEpoch}.`);
  return lines;
}
