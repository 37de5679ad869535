// Runs an ONNX model with ONNX Runtime (npm onnxruntime-node, CPU, 2
// threads) on float32 .npy inputs (in graph-input order) and writes every
// output, in graph-output order, as OUTDIR/out<k>.npy.
// Usage: node run_ort.js MODEL.onnx OUTDIR IN0.npy [IN1.npy ...]
// (test/ort/compare_with_ort.py and test/models/compare_real_models.py).
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(file + ': not a .npy file');
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const off = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', off, off + hlen);
  if (!/'descr':\s*'<f4'/.test(header) || /'fortran_order':\s*True/.test(header))
    throw new Error(file + ': expected a C-order float32 array, got ' + header);
  const shape = header.match(/'shape':\s*\(([^)]*)\)/)[1]
      .split(',').map(s => s.trim()).filter(s => s.length).map(Number);
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset + off + hlen,
                                                 buf.byteOffset + buf.length));
  return {shape, data};
}

function writeNpy(file, shape, data) {
  let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" +
      shape.join(', ') + (shape.length === 1 ? ',' : '') + '), }';
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1; head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const f32 = Float32Array.from(data);
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(header, 'latin1'),
                                        Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength)]));
}

async function main() {
  const [model, outDir, ...inputs] = process.argv.slice(2);
  const session = await ort.InferenceSession.create(model, {intraOpNumThreads: 2});
  if (inputs.length !== session.inputNames.length)
    throw new Error(`${session.inputNames.length} inputs needed, got ${inputs.length}`);
  const feeds = {};
  session.inputNames.forEach((name, k) => {
    const x = readNpy(inputs[k]);
    feeds[name] = new ort.Tensor('float32', x.data, x.shape);
  });
  const result = await session.run(feeds);
  session.outputNames.forEach((name, k) => {
    const y = result[name];
    writeNpy(path.join(outDir, `out${k}.npy`), y.dims, y.data);
  });
}

main().catch(e => { console.error('run_ort: ' + e.message); process.exit(1); });
