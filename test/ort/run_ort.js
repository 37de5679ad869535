// Runs an ONNX model with ONNX Runtime (npm onnxruntime-node, CPU) on a
// float32 .npy input and writes the first output as a float32 .npy file.
// Usage: node run_ort.js MODEL.onnx INPUT.npy OUTPUT.npy
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

function readNpy(path) {
  const buf = fs.readFileSync(path);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(path + ': not a .npy file');
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const off = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', off, off + hlen);
  if (!/'descr':\s*'<f4'/.test(header) || /'fortran_order':\s*True/.test(header))
    throw new Error(path + ': expected a C-order float32 array, got ' + header);
  const shape = header.match(/'shape':\s*\(([^)]*)\)/)[1]
      .split(',').map(s => s.trim()).filter(s => s.length).map(Number);
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset + off + hlen,
                                                 buf.byteOffset + buf.length));
  return {shape, data};
}

function writeNpy(path, shape, data) {
  let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" +
      shape.join(', ') + (shape.length === 1 ? ',' : '') + '), }';
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1; head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  fs.writeFileSync(path, Buffer.concat([head, Buffer.from(header, 'latin1'),
                                        Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

async function main() {
  const [model, input, output] = process.argv.slice(2);
  const x = readNpy(input);
  const session = await ort.InferenceSession.create(model, {intraOpNumThreads: 2});
  const feeds = {};
  feeds[session.inputNames[0]] = new ort.Tensor('float32', x.data, x.shape);
  const result = await session.run(feeds);
  const y = result[session.outputNames[0]];
  writeNpy(output, y.dims, y.data);
}

main().catch(e => { console.error('run_ort: ' + e.message); process.exit(1); });
