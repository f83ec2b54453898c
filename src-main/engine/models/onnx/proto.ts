/**
 * The part of onnx.proto (github.com/onnx/onnx, onnx/onnx.proto, proto2) that
 * Lathe writes, as a protobufjs reflection descriptor: field numbers and types
 * are the official ones, so any ONNX reader parses the result.
 */
import protobuf from 'protobufjs';

const r = (type: string, id: number): { type: string; id: number; rule: 'repeated' } => ({ type, id, rule: 'repeated' });
const f = (type: string, id: number): { type: string; id: number } => ({ type, id });

const DESCRIPTOR = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: f('string', 1),
            refAttrName: f('string', 21),
            docString: f('string', 13),
            type: f('AttributeType', 20),
            f: f('float', 2),
            i: f('int64', 3),
            s: f('bytes', 4),
            t: f('TensorProto', 5),
            g: f('GraphProto', 6),
            floats: r('float', 7),
            ints: r('int64', 8),
            strings: r('bytes', 9),
            tensors: r('TensorProto', 10),
            graphs: r('GraphProto', 11),
          },
          nested: {
            AttributeType: {
              values: { UNDEFINED: 0, FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10 },
            },
          },
        },
        ValueInfoProto: { fields: { name: f('string', 1), type: f('TypeProto', 2), docString: f('string', 3) } },
        NodeProto: {
          fields: {
            input: r('string', 1),
            output: r('string', 2),
            name: f('string', 3),
            opType: f('string', 4),
            domain: f('string', 7),
            attribute: r('AttributeProto', 5),
            docString: f('string', 6),
          },
        },
        ModelProto: {
          fields: {
            irVersion: f('int64', 1),
            opsetImport: r('OperatorSetIdProto', 8),
            producerName: f('string', 2),
            producerVersion: f('string', 3),
            domain: f('string', 4),
            modelVersion: f('int64', 5),
            docString: f('string', 6),
            graph: f('GraphProto', 7),
            metadataProps: r('StringStringEntryProto', 14),
          },
        },
        StringStringEntryProto: { fields: { key: f('string', 1), value: f('string', 2) } },
        GraphProto: {
          fields: {
            node: r('NodeProto', 1),
            name: f('string', 2),
            initializer: r('TensorProto', 5),
            docString: f('string', 10),
            input: r('ValueInfoProto', 11),
            output: r('ValueInfoProto', 12),
            valueInfo: r('ValueInfoProto', 13),
          },
        },
        TensorProto: {
          fields: {
            dims: r('int64', 1),
            dataType: f('int32', 2),
            floatData: r('float', 4),
            int32Data: r('int32', 5),
            stringData: r('bytes', 6),
            int64Data: r('int64', 7),
            name: f('string', 8),
            docString: f('string', 12),
            rawData: f('bytes', 9),
            doubleData: r('double', 10),
          },
          nested: {
            DataType: { values: { UNDEFINED: 0, FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8, BOOL: 9, FLOAT16: 10, DOUBLE: 11 } },
          },
        },
        TensorShapeProto: {
          fields: { dim: r('Dimension', 1) },
          nested: { Dimension: { oneofs: { value: { oneof: ['dimValue', 'dimParam'] } }, fields: { dimValue: f('int64', 1), dimParam: f('string', 2), denotation: f('string', 3) } } },
        },
        TypeProto: {
          oneofs: { value: { oneof: ['tensorType'] } },
          fields: { tensorType: f('Tensor', 1), denotation: f('string', 6) },
          nested: { Tensor: { fields: { elemType: f('int32', 1), shape: f('TensorShapeProto', 2) } } },
        },
        OperatorSetIdProto: { fields: { domain: f('string', 1), version: f('int64', 2) } },
      },
    },
  },
};

let root: protobuf.Root | null = null;

export function modelProtoType(): protobuf.Type {
  root ??= protobuf.Root.fromJSON(DESCRIPTOR);
  return root.lookupType('onnx.ModelProto');
}

/** ONNX TensorProto.DataType values Lathe uses. */
export const DT = { FLOAT: 1, INT32: 6, INT64: 7, STRING: 8, BOOL: 9, DOUBLE: 11 } as const;
export type DataTypeCode = (typeof DT)[keyof typeof DT];

/** AttributeProto.AttributeType values. */
export const AT = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;
