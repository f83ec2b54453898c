/**
 * A small builder for ONNX graphs: constants (as initializers, raw
 * little-endian bytes), nodes with typed attributes, graph inputs/outputs, and
 * the final ModelProto bytes. Names are generated so two calls never collide.
 */
import { AT, DT, modelProtoType, type DataTypeCode } from './proto.ts';

export type ElemType = 'float' | 'double' | 'int64' | 'bool';

const ELEM: Record<ElemType, DataTypeCode> = { float: DT.FLOAT, double: DT.DOUBLE, int64: DT.INT64, bool: DT.BOOL };

export interface Tensor {
  name: string;
  dims: number[];
  dataType: number;
  rawData: Uint8Array;
}

export type Attr =
  | { type: typeof AT.INT; i: number }
  | { type: typeof AT.FLOAT; f: number }
  | { type: typeof AT.STRING; s: Uint8Array }
  | { type: typeof AT.INTS; ints: number[] }
  | { type: typeof AT.FLOATS; floats: number[] }
  | { type: typeof AT.STRINGS; strings: Uint8Array[] }
  | { type: typeof AT.TENSOR; t: Tensor }
  | { type: typeof AT.GRAPH; g: GraphProtoJson };

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Attribute constructors. */
export const A = {
  i: (v: number): Attr => ({ type: AT.INT, i: v }),
  f: (v: number): Attr => ({ type: AT.FLOAT, f: v }),
  s: (v: string): Attr => ({ type: AT.STRING, s: utf8(v) }),
  ints: (v: readonly number[]): Attr => ({ type: AT.INTS, ints: [...v] }),
  floats: (v: ArrayLike<number>): Attr => ({ type: AT.FLOATS, floats: Array.from(v) }),
  strings: (v: readonly string[]): Attr => ({ type: AT.STRINGS, strings: v.map(utf8) }),
  t: (v: Tensor): Attr => ({ type: AT.TENSOR, t: v }),
  g: (v: GraphProtoJson): Attr => ({ type: AT.GRAPH, g: v }),
};

export function tensor(name: string, type: ElemType, dims: readonly number[], data: ArrayLike<number> | ArrayLike<boolean>): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  if (data.length !== n) throw new Error(`ONNX tensor ${name}: ${data.length} values for shape [${dims.join(', ')}]`);
  let bytes: Uint8Array;
  if (type === 'float') bytes = new Uint8Array(Float32Array.from(data as ArrayLike<number>).buffer);
  else if (type === 'double') bytes = new Uint8Array(Float64Array.from(data as ArrayLike<number>).buffer);
  else if (type === 'int64') bytes = new Uint8Array(BigInt64Array.from(Array.from(data as ArrayLike<number>, (v) => BigInt(v))).buffer);
  else bytes = Uint8Array.from(data as ArrayLike<number>, (v) => (v ? 1 : 0));
  return { name, dims: [...dims], dataType: ELEM[type], rawData: bytes };
}

interface NodeJson {
  input: string[];
  output: string[];
  name: string;
  opType: string;
  domain: string;
  attribute: ({ name: string } & Attr)[];
}

interface ValueInfoJson {
  name: string;
  type: { tensorType: { elemType: number; shape: { dim: ({ dimValue: number } | { dimParam: string })[] } } };
}

export interface GraphProtoJson {
  name: string;
  node: NodeJson[];
  initializer: Tensor[];
  input: ValueInfoJson[];
  output: ValueInfoJson[];
  docString?: string;
}

/** A dimension: a fixed size or a symbolic name ('N'). */
export type Dim = number | string;

function valueInfo(name: string, type: ElemType, dims: readonly Dim[]): ValueInfoJson {
  return {
    name,
    type: { tensorType: { elemType: ELEM[type], shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

export class GraphBuilder {
  readonly nodes: NodeJson[] = [];
  readonly initializers: Tensor[] = [];
  readonly inputs: ValueInfoJson[] = [];
  readonly outputs: ValueInfoJson[] = [];
  private n = 0;

  constructor(
    readonly name: string,
    /** Prefix for generated names (subgraphs use their own so names stay unique in the model). */
    private readonly prefix = '',
  ) {}

  fresh(hint: string): string {
    return `${this.prefix}${hint}_${this.n++}`;
  }

  input(name: string, type: ElemType, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  output(name: string, type: ElemType, dims: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, type, dims));
  }

  /** A constant tensor (initializer). */
  const(type: ElemType, dims: readonly number[], data: ArrayLike<number> | ArrayLike<boolean>, hint = 'c'): string {
    const name = this.fresh(hint);
    this.initializers.push(tensor(name, type, dims, data));
    return name;
  }

  int64s(values: readonly number[], hint = 'i'): string {
    return this.const('int64', [values.length], values, hint);
  }

  scalar(type: ElemType, v: number): string {
    return this.const(type, [], [v], 's');
  }

  /** One node; returns its outputs' names (`outputs` of them, or the given names). */
  node(opType: string, inputs: readonly string[], attrs: Record<string, Attr> = {}, opts: { domain?: string; outputs?: number | string[] } = {}): string[] {
    const outs = Array.isArray(opts.outputs) ? opts.outputs : Array.from({ length: opts.outputs ?? 1 }, () => this.fresh(opType.toLowerCase()));
    this.nodes.push({
      input: [...inputs],
      output: outs,
      name: this.fresh(`n_${opType}`),
      opType,
      domain: opts.domain ?? '',
      attribute: Object.entries(attrs).map(([name, a]) => ({ name, ...a })),
    });
    return outs;
  }

  /** A node with one output. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, Attr> = {}, opts: { domain?: string; output?: string } = {}): string {
    return this.node(opType, inputs, attrs, { ...(opts.domain ? { domain: opts.domain } : {}), ...(opts.output ? { outputs: [opts.output] } : {}) })[0]!;
  }

  /** Rename a value to a graph output name. */
  identity(input: string, output: string): string {
    return this.op('Identity', [input], {}, { output });
  }

  graph(docString?: string): GraphProtoJson {
    return { name: this.name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs, ...(docString ? { docString } : {}) };
  }
}

export interface ModelOptions {
  producerVersion: string;
  docString?: string;
  metadata?: Record<string, string>;
  /** ai.onnx opset (default 17) and ai.onnx.ml opset (default 3). */
  opset?: number;
  mlOpset?: number;
}

/** The serialized ModelProto. */
export function encodeModel(graph: GraphProtoJson, o: ModelOptions): Uint8Array {
  const T = modelProtoType();
  const model = {
    irVersion: 8,
    opsetImport: [
      { domain: '', version: o.opset ?? 17 },
      { domain: 'ai.onnx.ml', version: o.mlOpset ?? 3 },
    ],
    producerName: 'Lathe',
    producerVersion: o.producerVersion,
    domain: 'app.lathe',
    modelVersion: 1,
    ...(o.docString ? { docString: o.docString } : {}),
    graph,
    metadataProps: Object.entries(o.metadata ?? {}).map(([key, value]) => ({ key, value })),
  };
  const err = T.verify(model);
  if (err) throw new Error(`ONNX model does not fit onnx.proto: ${err}`);
  return T.encode(T.fromObject(model)).finish();
}
